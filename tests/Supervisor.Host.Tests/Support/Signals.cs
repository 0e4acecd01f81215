namespace Supervisor.Host.Tests.Support;

/// <summary>Linux signal numbers used by the tests.</summary>
internal static class Signals
{
    public const int Hup = 1;
    public const int Int = 2;
    public const int Quit = 3;
    public const int Usr2 = 12;
    public const int Term = 15;
}
