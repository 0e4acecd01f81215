namespace Supervisor.Host.Tests.Support;

/// <summary>
/// Copies built plugins into a plugins folder, as a user would drop them in: the test plugins
/// (tests/TestPlugins) and the sample (samples/AnotherRpcInterface).
/// </summary>
internal static class TestPlugins
{
    public static void Install(string pluginsFolder, params string[] names)
    {
        foreach (var name in names)
        {
            Copy(TestPaths.Metadata("TestPlugin:" + name), Path.Combine(pluginsFolder, name));
        }
    }

    /// <summary>
    /// Copies test plugin <paramref name="name"/>'s build output into <c>pluginsFolder/folderName</c>, over
    /// whatever is there (a rebuilt plugin copied over the live one).
    /// </summary>
    public static void InstallAs(string pluginsFolder, string name, string folderName) =>
        Copy(TestPaths.Metadata("TestPlugin:" + name), Path.Combine(pluginsFolder, folderName));

    /// <summary>The sample plugin's own build output, in <c>pluginsFolder/AnotherRpcInterface</c>.</summary>
    public static void InstallSample(string pluginsFolder) =>
        Copy(TestPaths.Metadata("SampleOutput"), Path.Combine(pluginsFolder, "AnotherRpcInterface"));

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }
}
