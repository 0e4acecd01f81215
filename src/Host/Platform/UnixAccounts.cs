using System.Runtime.InteropServices;

namespace Supervisor.Host.Platform;

/// <summary>The passwd and group databases (NSS), as Python's <c>pwd</c> and <c>grp</c> modules read them.</summary>
internal static partial class UnixAccounts
{
    private static readonly Lock Gate = new();

    /// <summary>The uid of a user name, or null when there is no such user.</summary>
    public static int? UidOfName(string name)
    {
        lock (Gate)
        {
            var entry = GetPasswdByName(name);
            return entry == IntPtr.Zero ? null : (int)Marshal.PtrToStructure<Passwd>(entry).Uid;
        }
    }

    /// <summary>True when the passwd database has this uid.</summary>
    public static bool UidExists(long uid)
    {
        if (uid is < 0 or > uint.MaxValue)
        {
            return false;
        }

        lock (Gate)
        {
            return GetPasswdByUid((uint)uid) != IntPtr.Zero;
        }
    }

    /// <summary>The primary gid of a uid, or null.</summary>
    public static int? PrimaryGidOfUid(long uid)
    {
        if (uid is < 0 or > uint.MaxValue)
        {
            return null;
        }

        lock (Gate)
        {
            var entry = GetPasswdByUid((uint)uid);
            return entry == IntPtr.Zero ? null : (int)Marshal.PtrToStructure<Passwd>(entry).Gid;
        }
    }

    /// <summary>The home directory of a user name, or null.</summary>
    public static string? HomeOfName(string name)
    {
        lock (Gate)
        {
            var entry = GetPasswdByName(name);
            return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.PtrToStructure<Passwd>(entry).Dir);
        }
    }

    /// <summary>The home directory of the current user, or null.</summary>
    public static string? HomeOfCurrentUser()
    {
        lock (Gate)
        {
            var entry = GetPasswdByUid((uint)Native.GetUid());
            return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.PtrToStructure<Passwd>(entry).Dir);
        }
    }

    /// <summary>The gid of a group name, or null when there is no such group.</summary>
    public static int? GidOfName(string name)
    {
        lock (Gate)
        {
            var entry = GetGroupByName(name);
            return entry == IntPtr.Zero ? null : (int)Marshal.PtrToStructure<Group>(entry).Gid;
        }
    }

    /// <summary>True when the group database has this gid.</summary>
    public static bool GidExists(long gid)
    {
        if (gid is < 0 or > uint.MaxValue)
        {
            return false;
        }

        lock (Gate)
        {
            return GetGroupByGid((uint)gid) != IntPtr.Zero;
        }
    }

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetPasswdByName(string name);

    [LibraryImport("libc", EntryPoint = "getpwuid")]
    private static partial IntPtr GetPasswdByUid(uint uid);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetGroupByName(string name);

    [LibraryImport("libc", EntryPoint = "getgrgid")]
    private static partial IntPtr GetGroupByGid(uint gid);

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Dir;
        public IntPtr Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Gid;
        public IntPtr Members;
    }
}
