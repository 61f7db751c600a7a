global using Connect.Bridge.Tests.Infrastructure;
