global using Connect.Bridge.Hosting;
global using Connect.Bridge.Tests.Infrastructure;
