
namespace Supervisor.Host.Http;

/// <summary>
/// What answers the requests of one <see cref="Route"/>. The router calls it only for a request that passed the
/// <see cref="AuthenticationGate"/> and whose method and path its route matched, so an endpoint checks neither.
/// </summary>
internal interface IHttpEndpoint
{
    Task HandleAsync(HttpContext context);
}

/// <summary>The HTTP methods a route serves, as flags, so matching a request's method is one AND.</summary>
[Flags]
internal enum HttpMethodSet
{
    /// <summary>What a request method no route can serve maps to (TRACE, CONNECT, extension methods).</summary>
    None = 0,
    Get = 1 << 0,
    Head = 1 << 1,
    Post = 1 << 2,
    Put = 1 << 3,
    Delete = 1 << 4,
    Patch = 1 << 5,
    Options = 1 << 6,
}

internal static class HttpMethodSets
{
    private static readonly (HttpMethodSet Member, string Name)[] Members =
    [
        (HttpMethodSet.Get, HttpMethods.Get),
        (HttpMethodSet.Head, HttpMethods.Head),
        (HttpMethodSet.Post, HttpMethods.Post),
        (HttpMethodSet.Put, HttpMethods.Put),
        (HttpMethodSet.Delete, HttpMethods.Delete),
        (HttpMethodSet.Patch, HttpMethods.Patch),
        (HttpMethodSet.Options, HttpMethods.Options),
    ];

    /// <summary>
    /// The request's method as a member of the set. <see cref="HttpMethods"/> compares Kestrel's interned method
    /// strings by reference first, so this costs a comparison or two; like those helpers it ignores case.
    /// </summary>
    public static HttpMethodSet Of(string method) =>
        HttpMethods.IsPost(method) ? HttpMethodSet.Post
        : HttpMethods.IsGet(method) ? HttpMethodSet.Get
        : HttpMethods.IsHead(method) ? HttpMethodSet.Head
        : HttpMethods.IsPut(method) ? HttpMethodSet.Put
        : HttpMethods.IsDelete(method) ? HttpMethodSet.Delete
        : HttpMethods.IsPatch(method) ? HttpMethodSet.Patch
        : HttpMethods.IsOptions(method) ? HttpMethodSet.Options
        : HttpMethodSet.None;

    /// <summary>The method names in the set (for messages, and for tests that try every route).</summary>
    public static IEnumerable<string> Names(this HttpMethodSet set) =>
        Members.Where(m => (set & m.Member) != 0).Select(m => m.Name);
}

/// <summary>
/// How a route matches the request path (<see cref="HttpRequest.Path"/>: percent-decoded, without the query),
/// case-sensitively: the whole path, or its start. A prefix is a plain string prefix, not a segment, because
/// the reference routes that way (its handlers' <c>match</c> methods in <c>supervisor/http.py</c> and
/// <c>supervisor/xmlrpc.py</c> test <c>request.uri.startswith(self.path)</c>): <c>/RPC2xyz</c> is XML-RPC.
/// </summary>
internal readonly record struct PathMatch
{
    private PathMatch(string path, bool isPrefix)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"a route's path must start with '/': '{path}'", nameof(path));
        }

        Path = path;
        IsPrefix = isPrefix;
    }

    public string Path { get; }

    public bool IsPrefix { get; }

    public static PathMatch Exact(string path) => new(path, isPrefix: false);

    public static PathMatch Prefix(string prefix) => new(prefix, isPrefix: true);

    public bool Matches(string path) =>
        IsPrefix ? path.StartsWith(Path, StringComparison.Ordinal) : string.Equals(path, Path, StringComparison.Ordinal);

    /// <summary>True when every path this one matches, <paramref name="other"/> matches too.</summary>
    public bool IsCoveredBy(PathMatch other) =>
        other.IsPrefix ? Path.StartsWith(other.Path, StringComparison.Ordinal) : !IsPrefix && Path == other.Path;

    public override string ToString() => IsPrefix ? Path + "*" : Path;
}

/// <summary>One entry of the route table: the methods and paths an endpoint serves.</summary>
internal sealed record Route(HttpMethodSet Methods, PathMatch Path, IHttpEndpoint Endpoint)
{
    public override string ToString() => $"{string.Join('|', Methods.Names())} {Path}";
}

/// <summary>
/// The route table behind the <see cref="AuthenticationGate"/>. A request goes to the first route, in the order
/// they were registered, whose methods and path both match it. A request no route takes gets the reference's
/// answers: 400 when some route serves its path with other methods (the reference's XML-RPC and log handlers
/// refuse other methods with 400), otherwise 404 for GET and HEAD and 400 for anything else (its default
/// handler, <c>supervisor/medusa/default_handler.py</c>, serves only GET and HEAD; <c>deferring_http_channel.found_terminator</c>
/// in <c>supervisor/http.py</c> tries the handlers in order, the XML-RPC one first).
/// <para>Routing allocates nothing: a method compare or two, then one ordinal string compare per route.</para>
/// </summary>
internal sealed class Router
{
    private readonly Route[] _routes;

    /// <exception cref="ArgumentException">A route can never be reached: an earlier one takes all its requests.</exception>
    public Router(IEnumerable<Route> routes)
    {
        _routes = [.. routes];
        for (var i = 0; i < _routes.Length; i++)
        {
            var route = _routes[i];
            if (route.Methods == HttpMethodSet.None)
            {
                throw new ArgumentException($"route {route} serves no method", nameof(routes));
            }

            for (var j = 0; j < i; j++)
            {
                var earlier = _routes[j];
                if (route.Path.IsCoveredBy(earlier.Path) && (route.Methods & ~earlier.Methods) == 0)
                {
                    throw new ArgumentException($"route {route} is never reached: {earlier}, registered before it, takes all its requests", nameof(routes));
                }
            }
        }
    }

    /// <summary>The routes in the order they are tried.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>
    /// The endpoint for a request with this method and path, or null and the status the request is refused with.
    /// </summary>
    public IHttpEndpoint? Find(string method, string path, out int refusal)
    {
        var requested = HttpMethodSets.Of(method);
        var pathServed = false;
        foreach (var route in _routes)
        {
            if (route.Path.Matches(path))
            {
                if ((route.Methods & requested) != 0)
                {
                    refusal = 0;
                    return route.Endpoint;
                }

                pathServed = true;
            }
        }

        refusal = !pathServed && (requested & (HttpMethodSet.Get | HttpMethodSet.Head)) != 0 ? 404 : 400;
        return null;
    }

    /// <summary>Hands the request to its endpoint, or answers the refusal page.</summary>
    public Task RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var endpoint = Find(request.Method, request.Path.Value ?? "", out var refusal);
        return endpoint is null ? ErrorPages.WriteAsync(context, refusal) : endpoint.HandleAsync(context);
    }
}
