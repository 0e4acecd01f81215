using System.Diagnostics;

namespace Supervisor.Host.Tests.Support;

/// <summary>
/// A real, tiny filesystem (a tmpfs of a given size, mounted on a fresh directory under /tmp) for tests
/// of what happens when a disk fills: writes there fail with ENOSPC as on a full disk. Needs root (CI
/// runs as root); <see cref="Unavailable"/> says why it cannot be had. Unmounted and removed on dispose.
/// </summary>
internal sealed class SmallFilesystem : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SmallFilesystem(string size = "1m")
    {
        Path = _directory.Path;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", Path);
        if (exitCode != 0)
        {
            _directory.Dispose();
            throw new InvalidOperationException($"mount -t tmpfs failed ({exitCode}): {output}");
        }
    }

    /// <summary>Null when a tmpfs can be mounted here, else the reason it cannot (for a test's Skip).</summary>
    public static string? Unavailable { get; } = Probe();

    public string Path { get; }

    private string Filler => File("filler");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Writes a filler file until the filesystem is full, then gives back <paramref name="leaveBytes"/>
    /// (whole pages), so the next writer gets about that much before ENOSPC.
    /// </summary>
    public void Fill(int leaveBytes = 0)
    {
        var block = new byte[4096];
        using var stream = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        if (leaveBytes > 0)
        {
            stream.SetLength(Math.Max(0, stream.Length - leaveBytes));
        }
    }

    /// <summary>Deletes the filler: the filesystem has room again.</summary>
    public void Free() => System.IO.File.Delete(Filler);

    public void Dispose()
    {
        // Lazy: a daemon that has not quite let go of a file must not leave the mount behind.
        Run("umount", "-l", Path);
        _directory.Dispose();
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root")
        {
            return "needs root to mount a small tmpfs (mount -t tmpfs); CI runs as root";
        }

        try
        {
            using var probe = new SmallFilesystem("64k");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return $"cannot mount a small tmpfs here: {e.Message}";
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        using var process = Process.Start(CommandRun.Info(file, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            return (-1, "timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
