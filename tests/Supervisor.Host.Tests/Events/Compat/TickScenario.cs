namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>
/// h. TICK_5 is wall-clock driven, so it is checked on each daemon on its own rather than side by side: a
/// listener gets TICK_5 events whose <c>when</c> is a multiple of 5, 5 s apart, delivered soon after that time.
/// </summary>
internal static class TickScenario
{
    public static readonly ListenerScenario Scenario = new("tick",
        """
        [eventlistener:ticks]
        command = {listener} {dir}/ticks.jsonl
        events = TICK_5

        """,
        [
            WaitForRecords.Events("ticks.jsonl", 2),
            new Received("ticks.jsonl"),
            new Check("every event is TICK_5 with payload 'when:<n>' and len = payload length", run => Ticks(run).All(t =>
                t.EventName == "TICK_5" && t.Payload == "when:" + t.Fields["when"] && t.Headers["len"] == t.Payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            new Check("when is a multiple of 5", run => Ticks(run).All(t => When(t) % 5 == 0)),
            new Check("consecutive ticks are 5 s apart", run => Ticks(run).Zip(Ticks(run).Skip(1)).All(p => When(p.Second) - When(p.First) == 5)),
            new Check("each tick reached the listener within 4 s of its when", run => Ticks(run).All(t => t.At - When(t) is >= 0 and < 4)),
        ],
        [
            "# every event is TICK_5 with payload 'when:<n>' and len = payload length: yes",
            "# when is a multiple of 5: yes",
            "# consecutive ticks are 5 s apart: yes",
            "# each tick reached the listener within 4 s of its when: yes",
            "#1 ver:3.0 server:compat serial:0 pool:ticks poolserial:0 eventname:TICK_5 len:<chars> | \"when:<WHEN>\" -> OK",
        ]);

    private static List<ListenerRecord> Ticks(ListenerRun run) => [.. run.Records("ticks.jsonl").Where(r => r.IsEvent)];

    private static long When(ListenerRecord tick) => long.Parse(tick.Fields["when"], System.Globalization.CultureInfo.InvariantCulture);
}
