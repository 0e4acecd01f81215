namespace Supervisor.Ctl;

/// <summary>
/// The interactive shell, as Python's <c>cmd.Cmd.cmdloop</c> runs the reference's: <c>status</c>
/// first, then a prompt per line until <c>quit</c>, <c>exit</c> or end of input (which prints an empty
/// line). Line editing is the terminal's own; history and completion are not there yet.
/// </summary>
internal static class Shell
{
    public static void Run(Controller controller)
    {
        controller.OneCmd("status");
        while (true)
        {
            controller.Out.Write(controller.Options.Prompt + "> ");
            controller.Out.Flush();
            var line = controller.In.ReadLine() ?? "EOF";
            if (controller.OneCmd(line))
            {
                return;
            }
        }
    }
}
