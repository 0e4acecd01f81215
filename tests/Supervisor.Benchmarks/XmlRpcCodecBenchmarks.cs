using System.Buffers;
using BenchmarkDotNet.Attributes;
using Supervisor.Abstractions;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Benchmarks;

/// <summary>
/// The XML-RPC codec on its hot paths: a getAllProcessInfo-sized response of 1,000 process
/// structs written and read back, and the smallest request (supervisor.getState) read.
/// Target: each under 2 ms.
/// </summary>
[MemoryDiagnoser]
public class XmlRpcCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(2 * 1024 * 1024);
    private ProcessInfo[] _processes = [];
    private byte[] _response = [];
    private byte[] _getState = [];

    [GlobalSetup]
    public void Setup()
    {
        _processes = Enumerable.Range(0, 1000).Select(ProcessInfo.Sample).ToArray();
        XmlRpcResponseWriter.WriteResponse(_output, _processes);
        _response = _output.WrittenSpan.ToArray();
        _getState = XmlRpcRequestWriter.ToArray("supervisor.getState");
    }

    /// <summary>Response size, shown by BenchmarkDotNet's setup log.</summary>
    [Benchmark(Description = "encode getAllProcessInfo x1000")]
    public int EncodeAllProcessInfo()
    {
        _output.ResetWrittenCount();
        XmlRpcResponseWriter.WriteResponse(_output, _processes);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "decode getAllProcessInfo x1000")]
    public object? DecodeAllProcessInfo() => XmlRpcResponseReader.Read(_response).Value;

    [Benchmark(Description = "decode getState request")]
    public string DecodeGetStateRequest() => XmlRpcRequestReader.Read(_getState).MethodName;

    /// <summary>Shaped like the built-in plugin's process info struct (plugins/SupervisorRpc/ProcessStatus.cs).</summary>
    public sealed record ProcessInfo(
        [property: RpcMember("name")] string Name,
        [property: RpcMember("group")] string Group,
        [property: RpcMember("start")] int Start,
        [property: RpcMember("stop")] int Stop,
        [property: RpcMember("now")] int Now,
        [property: RpcMember("state")] int State,
        [property: RpcMember("statename")] string StateName,
        [property: RpcMember("spawnerr")] string SpawnErr,
        [property: RpcMember("exitstatus")] int ExitStatus,
        [property: RpcMember("logfile")] string Logfile,
        [property: RpcMember("stdout_logfile")] string StdoutLogfile,
        [property: RpcMember("stderr_logfile")] string StderrLogfile,
        [property: RpcMember("pid")] int Pid,
        [property: RpcMember("description")] string Description)
    {
        public static ProcessInfo Sample(int i)
        {
            var name = $"worker_{i:D4}";
            var stdout = $"/var/log/supervisor/{name}-stdout---supervisor-k2j4h5.log";
            return new ProcessInfo(
                name,
                "workers",
                1_700_000_000 + i,
                0,
                1_700_086_400,
                20,
                "RUNNING",
                string.Empty,
                0,
                stdout,
                stdout,
                $"/var/log/supervisor/{name}-stderr---supervisor-k2j4h5.log",
                10_000 + i,
                $"pid {10_000 + i}, uptime 1 day, 0:00:00");
        }
    }
}
