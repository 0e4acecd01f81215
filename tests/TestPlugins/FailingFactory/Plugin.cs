using Supervisor.Abstractions;

namespace TestPlugins.FailingFactory;

public static class Factory
{
    public static object Make(ISupervisord supervisord, string? endpoint = null) =>
        throw new InvalidOperationException($"cannot reach {endpoint ?? "nothing"}");
}
