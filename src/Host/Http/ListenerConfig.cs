namespace Supervisor.Host.Http;

/// <summary>One HTTP listener: a unix socket or a TCP endpoint, with optional basic auth.</summary>
/// <param name="Section">The config section it came from (<c>unix_http_server</c>, <c>inet_http_server:foo</c>).</param>
/// <param name="Username">The one accepted user, or null for no authentication.</param>
/// <param name="Password">Plain text, or <c>{SHA}</c> + lower-case hex SHA-1.</param>
internal abstract record ListenerConfig(string Section, string? Username, string? Password);

/// <summary>A unix socket listener (<c>[unix_http_server]</c>).</summary>
internal sealed record UnixListenerConfig(string Section, string Path, UnixFileMode Mode, int? OwnerUid, int? OwnerGid, string? Username, string? Password)
    : ListenerConfig(Section, Username, Password);

/// <summary>A TCP listener (<c>[inet_http_server]</c>); an empty host means every interface.</summary>
internal sealed record InetListenerConfig(string Section, string Host, int Port, string? Username, string? Password)
    : ListenerConfig(Section, Username, Password);
