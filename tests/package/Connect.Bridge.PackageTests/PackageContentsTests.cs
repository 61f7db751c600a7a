using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Connect.Bridge.PackageTests;

/// <summary>
/// What the packed Connect.Bridge.nupkg holds: the core only. The hosting layer (src/Connect.Bridge.Hosting: the
/// adapters' sender, settings table, host values, log file) is not packed; its type names are read from the
/// assembly built from source (./build.sh test package passes its path), so a type moved back into the core fails here.
/// </summary>
public sealed class PackageContentsTests
{
    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run these tests through ./build.sh test package");

    private static string CorePackage() => Package("Connect.Bridge");

    /// <summary>The freshly packed <c>id.version.nupkg</c> of a package id.</summary>
    private static string Package(string id)
    {
        string folder = Required("CONNECT_BRIDGE_PACKAGE_DIR");
        return Assert.Single(Directory.GetFiles(folder, "*.nupkg"),
            p => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(p), "^" + System.Text.RegularExpressions.Regex.Escape(id) + @"\.\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\.nupkg$"));
    }

    /// <summary>Top-level type definitions of an assembly as (namespace, name), read from its metadata without loading it.</summary>
    private static List<(string Namespace, string Name)> TypesOf(Stream assembly)
    {
        using var pe = new PEReader(assembly);
        var reader = pe.GetMetadataReader();
        var types = new List<(string, string)>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (type.GetDeclaringType().IsNil)
                types.Add((reader.GetString(type.Namespace), reader.GetString(type.Name)));
        }
        return types;
    }

    [Theory]
    [InlineData("Connect.Bridge")]
    [InlineData("Connect.Bridge.Extensions.DependencyInjection")]
    public void EachPackageHoldsItsOwnAssemblyAndNoHostingFile(string id)
    {
        using var package = ZipFile.OpenRead(Package(id));
        var names = package.Entries.Select(e => e.FullName).ToArray();

        Assert.DoesNotContain(names, n => n.Contains("Hosting", StringComparison.OrdinalIgnoreCase));
        Assert.Equal([$"lib/net10.0/{id}.dll"], names.Where(n => n.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToArray();
        Assert.NotEmpty(dependencies); // the nuspec was read (both packages depend on Microsoft.Extensions.*)
        Assert.DoesNotContain(dependencies, id => id is not null && id.Contains("Hosting", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheCoreAssemblyInThePackageDefinesNoHostingType()
    {
        List<(string Namespace, string Name)> hosting;
        using (var built = File.OpenRead(Required("CONNECT_BRIDGE_HOSTING_DLL"))) hosting = TypesOf(built);
        var hostingNames = hosting.Where(t => t.Namespace == "Connect.Bridge.Hosting").Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("BridgeSender", hostingNames);
        Assert.Contains("HostValue", hostingNames);
        Assert.Contains("SettingNames", hostingNames);

        using var package = ZipFile.OpenRead(CorePackage());
        using var packed = new MemoryStream();
        using (var dll = package.GetEntry("lib/net10.0/Connect.Bridge.dll")!.Open()) dll.CopyTo(packed);
        packed.Position = 0;
        var core = TypesOf(packed);

        Assert.Contains(core, t => t is ("Connect.Bridge", "ConnectClient"));
        Assert.DoesNotContain(core, t => t.Namespace.StartsWith("Connect.Bridge.Hosting", StringComparison.Ordinal) || t.Namespace.StartsWith("Connect.Bridge.Adapters", StringComparison.Ordinal));
        Assert.Empty(core.Where(t => hostingNames.Contains(t.Name)).Select(t => $"{t.Namespace}.{t.Name}"));
    }

    [Fact]
    public void TheCoreShowsItsInternalsToItsTestsAndTheHostingLayerOnly()
    {
        var friends = typeof(ConnectClient).Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), false)
            .Cast<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal);
        Assert.Equal(["Connect.Bridge.Hosting", "Connect.Bridge.Tests"], friends);
    }
}
