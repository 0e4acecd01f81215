using SharpFuzz;
using Supervisor.Fuzz.Harness;

namespace Supervisor.Fuzz;

/// <summary>
/// The fuzzing program (README.md here). <c>afl TARGET</c> is what afl-fuzz runs (run-afl.sh): SharpFuzz's
/// out-of-process fork server, which restarts the .NET child when an input kills or hangs it, feeding one
/// input per run to the target; anything thrown counts as a crash. <c>run TARGET PATH...</c> runs files (or
/// every file of a folder) once each and prints what each broke, to triage what afl-fuzz saved.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: Supervisor.Fuzz afl TARGET           run under afl-fuzz (stdin is the input)
               Supervisor.Fuzz run TARGET PATH...   run saved inputs once each, print violations
        targets: reader, dispatch, http, all (the three on each input)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2 || !FuzzTargets.Names.Contains(args[1]))
        {
            await Console.Error.WriteAsync(Usage);
            return 2;
        }

        var target = args[1];
        switch (args[0])
        {
            case "afl":
                Afl(target);
                return 0;
            case "run":
                return await RunFilesAsync(target, args[2..]);
            default:
                await Console.Error.WriteAsync(Usage);
                return 2;
        }
    }

    private static void Afl(string target)
    {
        // Made in the child on its first input: the fork server process itself never runs a target.
        FuzzHarness? harness = null;
        var buffer = new MemoryStream();
        Fuzzer.OutOfProcess.Run(stream =>
        {
            harness ??= new FuzzHarness();
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            harness.Run(target, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        });
    }

    private static async Task<int> RunFilesAsync(string target, string[] paths)
    {
        // Instrumented assemblies (run-afl.sh) count branches in afl's shared map; outside afl-fuzz they need a map of their own.
        unsafe
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        }

        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        await using var harness = new FuzzHarness();
        var violations = 0;
        foreach (var file in files)
        {
            try
            {
                harness.Run(target, await File.ReadAllBytesAsync(file));
                Console.WriteLine($"ok         {file}");
            }
            catch (Exception e)
            {
                violations++;
                Console.WriteLine($"VIOLATION  {file}");
                Console.WriteLine("  " + e.ToString().ReplaceLineEndings("\n  "));
            }
        }

        Console.WriteLine($"{files.Count} inputs, {violations} violations");
        return violations == 0 ? 0 : 1;
    }
}
