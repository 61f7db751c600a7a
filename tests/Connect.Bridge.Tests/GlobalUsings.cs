global using Connect.Bridge.Tests.Infrastructure;
global using Connect.Bridge.Adapters;
