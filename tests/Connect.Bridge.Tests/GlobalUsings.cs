global using Connect.Bridge.Adapters;
global using Connect.Bridge.Tests.Infrastructure;
