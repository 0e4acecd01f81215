namespace Supervisor.Host.Web;

/// <summary>
/// A page request's parameters: the query string and a urlencoded POST body merged, the body winning; a key
/// repeated in the query takes its first value, in the body its last (the reference's merge in
/// <c>supervisor/web.py</c>, <c>ViewContext</c> built from <c>parse_qs</c>-style fields).
/// </summary>
internal static class WebForm
{
    /// <summary>A page's form is a few short fields; anything longer is not one of ours.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <returns>The parameters, or null when the body is too large to be a form of these pages.</returns>
    public static async Task<Dictionary<string, string>?> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            values[key] = value.Count > 0 ? value[0] ?? "" : "";
        }

        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            if (request.ContentLength is null or > MaxBodyBytes)
            {
                return null;
            }

            var form = await request.ReadFormAsync(context.RequestAborted);
            foreach (var (key, value) in form)
            {
                values[key] = value.Count > 0 ? value[^1] ?? "" : "";
            }
        }

        return values;
    }
}
