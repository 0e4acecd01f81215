namespace Supervisor.Abstractions;

/// <summary>
/// Exposes a public instance method of a plugin's namespace object over XML-RPC.
/// The wire name defaults to the method name in camelCase (<c>GetState</c> becomes <c>getState</c>).
/// </summary>
/// <example>
/// <code>
/// [RpcMethod(Aliases = ["getVersion"], Help = "Return the version of the RPC API used by supervisord")]
/// [return: RpcReturn("version", "version id")]
/// public string GetAPIVersion() => "3.0";
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RpcMethodAttribute : Attribute
{
    /// <summary>Exposes the method under its camelCase name.</summary>
    public RpcMethodAttribute()
    {
    }

    /// <summary>Exposes the method under <paramref name="name"/> (without the namespace prefix).</summary>
    public RpcMethodAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The wire name without namespace, or null for the camelCase method name.</summary>
    public string? Name { get; }

    /// <summary>Further wire names for the same method (deprecated spellings such as <c>getVersion</c>).</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>The summary shown first by <c>system.methodHelp</c>; may span several lines.</summary>
    public string? Help { get; init; }

    /// <summary>
    /// Declares that the method never blocks its thread: it returns quickly, or awaits instead of waiting.
    /// The host then calls it directly on the thread that read the request, which is fastest. Without it
    /// (the default) the method runs on threads of its own namespace, so one that sleeps, waits on a lock
    /// or does slow synchronous I/O delays only its own callers, never the rest of the daemon.
    /// </summary>
    public bool NonBlocking { get; init; }
}

/// <summary>One-line description of a parameter, shown as <c>@param type name text</c> by <c>system.methodHelp</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class RpcParamAttribute(string description) : Attribute
{
    /// <summary>The description text.</summary>
    public string Description { get; } = description;

    /// <summary>
    /// The XML-RPC type to report when the CLR type cannot say it, e.g. a parameter declared as
    /// <see cref="object"/> because it accepts a string or an int. Null derives it from the CLR type.
    /// </summary>
    public string? Type { get; init; }
}

/// <summary>
/// Describes a method's result, shown as <c>@return type name text</c> by <c>system.methodHelp</c>.
/// Put it on the return value: <c>[return: RpcReturn("result", "always true")]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.ReturnValue, AllowMultiple = false, Inherited = false)]
public sealed class RpcReturnAttribute(string name, string description) : Attribute
{
    /// <summary>The result's name in the help text.</summary>
    public string Name { get; } = name;

    /// <summary>The description text.</summary>
    public string Description { get; } = description;

    /// <summary>
    /// The XML-RPC type to report when the CLR type cannot say it, e.g. a method declared as
    /// <see cref="object"/> that returns a boolean or an array. Null derives it from the CLR type.
    /// </summary>
    public string? Type { get; init; }
}

/// <summary>
/// Gives a property its exact key in an XML-RPC struct (<c>stdout_logfile</c>, <c>exitstatus</c>).
/// Without it the key is the property name in camelCase.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class RpcMemberAttribute(string name) : Attribute
{
    /// <summary>The wire key.</summary>
    public string Name { get; } = name;
}
