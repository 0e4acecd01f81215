using System.Runtime.InteropServices;

namespace Supervisor.Host.Platform;

/// <summary>
/// The libc calls that spawn, signal and reap supervised children (glibc, Linux x64 and arm64).
/// Constants and struct layouts below are the same on both architectures unless a member says otherwise.
/// </summary>
internal static unsafe partial class NativeProcesses
{
    public const int FDupfdCloexec = 1030;

    public const short PosixSpawnSetpgroup = 0x02;
    public const short PosixSpawnSetsigdef = 0x04;
    public const short PosixSpawnSetsigmask = 0x08;

    public const int Wnohang = 1;
    public const int Wexited = 4;
    public const int Wnowait = 0x01000000;
    public const int PAll = 0;

    public const int PrGetDumpable = 3;
    public const int PrSetDumpable = 4;
    public const int PrSetChildSubreaper = 36;

    public const int CloneFs = 0x200;
    public const int XOk = 1;
    public const int AtFdcwd = -100;
    public const uint StatxMode = 0x2;

    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int Enomem = 12;
    public const int Echild = 10;
    public const int Esrch = 3;

    /// <summary>glibc's posix_spawnattr_t is 336 bytes; more is allocated in case a later glibc grows it.</summary>
    public const int SpawnAttrSize = 1024;

    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes; same margin.</summary>
    public const int FileActionsSize = 512;

    /// <summary>glibc's sigset_t: 1024 bits.</summary>
    public const int SigsetSize = 128;

    /// <summary>siginfo_t is 128 bytes; si_pid at 16 and si_status at 24 on 64-bit Linux.</summary>
    public const int SiginfoSize = 128;

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int PosixSpawnattrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int PosixSpawnattrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int PosixSpawnattrSetflags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int PosixSpawnattrSetpgroup(void* attributes, int processGroup);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int PosixSpawnattrSetsigdefault(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int PosixSpawnattrSetsigmask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int PosixSpawnFileActionsInit(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int PosixSpawnFileActionsDestroy(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int PosixSpawnFileActionsAdddup2(void* fileActions, int fd, int newFd);

    /// <summary>glibc 2.34+: the child closes every fd from <paramref name="lowFd"/> up (close_range).</summary>
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int PosixSpawnFileActionsAddclosefromNp(void* fileActions, int lowFd);

    /// <summary>close_range's flag (Linux 5.11+): mark the range close-on-exec instead of closing it.</summary>
    public const uint CloseRangeCloexec = 1u << 2;

    /// <summary>close_range(2) (glibc 2.34+): closes, or with <see cref="CloseRangeCloexec"/> marks, every fd in [first, last].</summary>
    [LibraryImport("libc", EntryPoint = "close_range", SetLastError = true)]
    public static partial int CloseRange(uint first, uint last, int flags);

    public const int AfUnix = 1;
    public const int SockSeqpacket = 5;
    public const int SockCloexec = 0x80000;
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgNosignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int CloneFiles = 0x400;
    public const int SigBlock = 0;

    /// <summary>struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.</summary>
    public const int MsghdrSize = 56;

    /// <summary>struct cmsghdr (64-bit): a size_t length, then level and type (ints); the data starts at 16.</summary>
    public const int CmsghdrSize = 16;

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    public static partial int Socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint Sendmsg(int fd, void* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint Recvmsg(int fd, void* message, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nint length, int flags);

    /// <summary>pthread_sigmask: the calling thread's signal mask only.</summary>
    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigmask(int how, byte* set, byte* oldSet);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int Waitpid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    public static partial int Waitid(int idType, int id, void* info, int options);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static partial int Getpgid(int pid);

    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int Getpid();

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial int Getuid();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial int Geteuid();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial int Umask(int mask);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true)]
    public static partial int Chdir(byte* path);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true)]
    public static partial int Access(byte* path, int mode);

    /// <summary>statx has one layout on every architecture (unlike struct stat): stx_mode is a u16 at offset 28.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int directoryFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "getgrouplist")]
    public static partial int Getgrouplist(byte* user, int group, int* groups, int* count);

    /// <summary>
    /// The raw system call: it changes only the calling thread's credentials, unlike glibc's setuid
    /// family, which broadcasts the change to every thread of the process.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long argument1, long argument2, long argument3);

    /// <summary>Per-architecture system call numbers for the credential calls (x64's table differs from the generic one arm64 uses).</summary>
    public static (long SetGroups, long SetResUid, long SetResGid) CredentialSyscalls => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (116, 117, 119),
        Architecture.Arm64 => (159, 147, 149),
        _ => throw new PlatformNotSupportedException($"no credential system call numbers for {RuntimeInformation.ProcessArchitecture}"),
    };
}
