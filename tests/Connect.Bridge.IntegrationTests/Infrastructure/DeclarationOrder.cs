using Xunit.Sdk;
using Xunit.v3;

[assembly: TestMethodOrderer(typeof(Connect.Bridge.IntegrationTests.Infrastructure.DeclarationOrder))]

namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>
/// A suite's tests run in the order they are written (a suite is a sequence: register, use, unregister); tests inherited
/// from <see cref="SuiteTests{TSuite}"/> come last. The metadata token of a method follows its place in the source.
/// </summary>
public sealed class DeclarationOrder : ITestMethodOrderer
{
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        testMethods.OrderBy(m => m is IXunitTestMethod x ? (x.Method.DeclaringType == x.TestClass.Class ? 0 : 1, x.Method.MetadataToken) : (2, 0)).ToList();
}
