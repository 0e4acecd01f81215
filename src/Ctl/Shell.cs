using Supervisor.Ctl.LineEditing;

namespace Supervisor.Ctl;

/// <summary>
/// The interactive shell, as Python's <c>cmd.Cmd.cmdloop</c> runs the reference's (supervisor/supervisorctl.py,
/// <c>Controller.exec_cmdloop</c>): <c>status</c> first, then a prompt per line until <c>quit</c>, <c>exit</c> or
/// end of input (which prints an empty line); Ctrl-C at the prompt ends it with an empty line. On a terminal the
/// line is read by <see cref="LineEditor"/> (editing, history, completion); from a pipe or file it is read as it
/// comes, the prompt still printed, as Python's <c>input()</c> does without a terminal.
/// </summary>
internal static class Shell
{
    public static void Run(Controller controller)
    {
        var history = new History(controller.Options.HistoryFile);
        try
        {
            controller.OneCmd("status");
            var editor = Console.IsInputRedirected || Console.IsOutputRedirected ? null : new LineEditor(controller.Out, history);
            controller.Editor = editor;
            while (true)
            {
                var prompt = controller.Options.Prompt + "> ";
                string? line;
                if (editor is not null)
                {
                    line = editor.ReadLine(prompt, controller.Completion());
                }
                else
                {
                    controller.Out.Write(prompt);
                    controller.Out.Flush();
                    line = controller.In.ReadLine();
                }

                if (controller.OneCmd(line ?? "EOF"))
                {
                    return;
                }
            }
        }
        catch (KeyboardInterruptException)
        {
            controller.Output("");
        }
        finally
        {
            controller.Out.Flush();
            history.Save();
        }
    }
}
