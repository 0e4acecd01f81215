namespace Supervisor.Rpc;
