using System.Globalization;
using System.Runtime.InteropServices;
using Supervisor.Abstractions;

namespace TestPlugins.Updatable;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new();
}

public sealed partial class Namespace
{
#if SECOND_BUILD
    private const string BuildName = "second";
#else
    private const string BuildName = "first";
#endif

    [RpcMethod(Help = "Which build of this plugin is serving: first or second.")]
    public string Build() => BuildName;

#if SECOND_BUILD
    [RpcMethod(Help = "Only in the second build.")]
    public string OnlyInTheSecondBuild() => string.Concat(Enumerable.Repeat(BuildName, 3));
#endif

    [RpcMethod(Help = "Creates path.entered, waits until path exists, then says which build answered.")]
    public string WaitForFile(string path)
    {
        File.WriteAllText(path + ".entered", "");
        while (!File.Exists(path))
        {
            Thread.Sleep(20);
        }

        return BuildName;
    }

    [RpcMethod(Help = "A number written as Germans write it (needs the culture data of de-DE).")]
    public string GermanNumber() => 1234.5.ToString("N1", CultureInfo.GetCultureInfo("de-DE"));

    [RpcMethod(Help = "The month names of fr-FR, joined by commas.")]
    public string FrenchMonths() => string.Join(",", CultureInfo.GetCultureInfo("fr-FR").DateTimeFormat.MonthNames.Where(m => m.Length > 0));

    [RpcMethod(Help = "The version of the native library libupdatablenative.so found in the plugin's own folder.")]
    public string NativeVersion() => Marshal.PtrToStringAnsi(ZlibVersion()) ?? "";

    // The test puts a copy of zlib in the plugin's folder under this name: it exists nowhere else.
    [LibraryImport("updatablenative", EntryPoint = "zlibVersion")]
    private static partial IntPtr ZlibVersion();
}
