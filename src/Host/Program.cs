namespace Supervisor.Host;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("supervisord: not yet wired");
        return args.Length == 0 ? 2 : 2;
    }
}
