using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary><c>childlogdir</c>: AUTO log names (options.get_autochildlog_name) and start-up cleanup (clear_autochildlogdir).</summary>
internal static class ChildLogDirectory
{
    // tempfile._RandomNameSequence.characters
    private const string NameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_";

    // tempfile.TMP_MAX
    private const int Attempts = 10000;

    // tempfile._text_openflags: O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode 0600.
    private static readonly int MkstempFlags = NativeIo.ORdWr | NativeIo.OCreat | NativeIo.OExcl | NativeIo.ONoFollow | NativeIo.OCloExec;

    /// <summary>
    /// Creates an empty, owner-only file named <c>&lt;name&gt;-&lt;channel&gt;---&lt;identifier&gt;-XXXXXXXX.log</c>
    /// in <paramref name="childLogDir"/> (tempfile.mkstemp: 8 characters of <c>[a-z0-9_]</c>, O_EXCL, mode 0600)
    /// and returns its absolute path.
    /// </summary>
    /// <exception cref="IOException">The directory is missing or not writable, or no free name was found.</exception>
    public static string AutoLogName(string childLogDir, string processName, OutputChannel channel, string identifier)
    {
        var directory = Path.GetFullPath(childLogDir);
        var prefix = $"{processName}-{ChildOutputLog.ChannelName(channel)}---{identifier}-";
        Span<char> random = stackalloc char[8];
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            Random.Shared.GetItems(NameCharacters, random);
            var path = Path.Combine(directory, string.Concat(prefix, random, ".log"));
            var fd = NativeIo.Open(path, MkstempFlags, 0x180);
            if (fd >= 0)
            {
                NativeIo.Close(fd);
                return path;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeIo.EEXIST)
            {
                throw new IOException($"cannot create {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }

            // Taken: try another name, as mkstemp does.
        }

        throw new IOException("No usable temporary file name found");
    }

    /// <summary>
    /// Deletes this identifier's AUTO logs and their rotated copies: names that match (from their start,
    /// like Python's <c>re.match</c>) <c>.+?---&lt;identifier&gt;-\S+\.log\.{0,1}\d{0,4}</c>. The identifier
    /// goes into the pattern unescaped, as in the reference. Other identifiers' files stay.
    /// </summary>
    public static void CleanOld(string childLogDir, string identifier, IMainLog log)
    {
        var pattern = MatcherFor(identifier);
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(childLogDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.Warn("Could not clear childlog dir");
            return;
        }

        foreach (var entry in entries)
        {
            var match = pattern.Match(Path.GetFileName(entry));
            if (!match.Success || match.Index != 0)
            {
                continue;
            }

            // os.path.join(childlogdir, filename): the directory as configured, not made absolute.
            var pathname = PythonPaths.Join(childLogDir, Path.GetFileName(entry));
            try
            {
                if (Directory.Exists(entry))
                {
                    // os.remove refuses a directory.
                    throw new IOException("Is a directory");
                }

                File.Delete(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Failed to clean up {PythonText.Repr(pathname)}");
            }
        }
    }

    private static Regex MatcherFor(string identifier)
    {
        var pattern = $@".+?---{identifier}-\S+\.log\.{{0,1}}\d{{0,4}}";
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            // The reference would crash at start-up on an identifier that is no valid regex; match it literally.
            return new Regex($@".+?---{Regex.Escape(identifier)}-\S+\.log\.{{0,1}}\d{{0,4}}", RegexOptions.CultureInvariant);
        }
    }
}
