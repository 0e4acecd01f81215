namespace Supervisor.Host.Tests.Support;

/// <summary>Copies the built test plugins (tests/TestPlugins) into a plugins folder, as a user would drop them in.</summary>
internal static class TestPlugins
{
    public static void Install(string pluginsFolder, params string[] names)
    {
        foreach (var name in names)
        {
            var source = TestPaths.Metadata("TestPlugin:" + name);
            var target = Path.Combine(pluginsFolder, name);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }
    }
}
