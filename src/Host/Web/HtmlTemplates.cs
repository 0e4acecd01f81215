using System.Net;
using System.Reflection;
using System.Text;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Supervisor.Host.Web;

/// <summary>
/// Markup a template writes as it is: what the web layer built itself from escaped pieces (a row, a page body,
/// a log with its colours as spans). Every other value a template writes is HTML-escaped.
/// </summary>
internal sealed class HtmlText
{
    private readonly string? _html;
    private readonly Action<StringBuilder>? _write;

    public HtmlText(string html) => _html = html;

    private HtmlText(Action<StringBuilder> write) => _write = write;

    /// <summary>The markup as a string (made by the writer when it is <see cref="Deferred"/>).</summary>
    public string Html => _html ?? Written();

    /// <summary>
    /// Markup written by <paramref name="write"/> straight into the page's buffer where a template writes it: a
    /// page's body and the status table's rows make no string of their own (at 200 rows each would be a large
    /// object, allocated and collected for every page).
    /// </summary>
    public static HtmlText Deferred(Action<StringBuilder> write) => new(write);

    public void WriteTo(StringBuilder output)
    {
        if (_write is null)
        {
            output.Append(_html);
        }
        else
        {
            _write(output);
        }
    }

    public override string ToString() => Html;

    private string Written()
    {
        var output = new StringBuilder();
        _write!(output);
        return output.ToString();
    }
}

/// <summary>
/// A Scriban context that escapes whatever a template writes with <c>{{ }}</c>, so a process name, a message or a
/// log line with markup in it shows as text wherever a template puts it, unless it is <see cref="HtmlText"/>.
/// The template's own text is written as it stands.
/// </summary>
internal sealed class HtmlTemplateContext : TemplateContext
{
    /// <summary>
    /// Scriban's built-in functions, made once: a context makes its own set otherwise, hundreds of function
    /// objects per page. Templates only read them (assignments go to the page's own globals).
    /// </summary>
    private static readonly ScriptObject Builtins = new BuiltinFunctions();

    public HtmlTemplateContext()
        : base(Builtins)
    {
        // No loops without end, no megabyte strings from a template's own arithmetic: a template from an
        // operator's folder runs inside the daemon.
        LoopLimit = 100_000;
        RecursiveLimit = 50;
        StrictVariables = false;
        EnableRelaxedMemberAccess = true;
    }

    public override TemplateContext Write(SourceSpan span, object? textAsObject)
    {
        switch (textAsObject)
        {
            case HtmlText html when Output is StringBuilderOutput buffer:
                // Into the page's buffer directly (a deferred body or table is written there, not made a string).
                html.WriteTo(buffer.Builder);
                return this;
            case HtmlText html:
                return base.Write(span, html.Html);
            case null:
                return this;
            default:
                return base.Write(span, WebUtility.HtmlEncode(ObjectToString(textAsObject)));
        }
    }

    public override ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject) =>
        ValueTask.FromResult(Write(span, textAsObject));
}

/// <summary>The template of a page failed to parse; the message names the file and the error.</summary>
internal sealed class WebTemplateException(string message) : Exception(message);

/// <summary>
/// One compiled template. Parsed once (see <see cref="WebAssets"/>); rendering makes a fresh context whose globals are the
/// model's properties (snake_case in the template: <c>ProcessName</c> is <c>process_name</c>).
/// </summary>
internal sealed class PageTemplate
{
    private readonly Template _template;

    private PageTemplate(string name, Template template)
    {
        Name = name;
        _template = template;
    }

    public string Name { get; }

    /// <exception cref="WebTemplateException">The text does not parse.</exception>
    public static PageTemplate Parse(string name, string text)
    {
        var template = Template.Parse(text, name);
        if (template.HasErrors)
        {
            throw new WebTemplateException($"web template {name}: {string.Join("; ", template.Messages)}");
        }

        return new PageTemplate(name, template);
    }

    /// <summary>Renders with <paramref name="model"/>'s public properties as the template's variables.</summary>
    public string Render(object model)
    {
        var output = new StringBuilder();
        RenderTo(model, output);
        return output.ToString();
    }

    /// <summary>Renders into <paramref name="output"/>, with <paramref name="model"/>'s public properties as the template's variables.</summary>
    public void RenderTo(object model, StringBuilder output)
    {
        var context = NewContext(model);
        Evaluate(context, output);
    }

    /// <summary>
    /// A template that renders <paramref name="text"/> once for each item of the list <c>items</c>, the item
    /// being <paramref name="variable"/>: a table's rows in one evaluation rather than one each.
    /// </summary>
    /// <exception cref="WebTemplateException">The text does not parse.</exception>
    public static PageTemplate ParseEach(string name, string text, string variable) =>
        Parse(name, "{{ for " + variable + " in items }}" + text + "{{ end }}");

    /// <summary>
    /// Renders a template made by <see cref="ParseEach"/> for <paramref name="items"/> into <paramref name="output"/>,
    /// with <paramref name="shared"/>'s properties beside each item.
    /// </summary>
    public void RenderEach<T>(IReadOnlyList<T> items, object shared, StringBuilder output)
    {
        var context = NewContext(shared);
        context.SetValue(new ScriptVariableGlobal("items"), items);
        Evaluate(context, output);
    }

    /// <summary>
    /// Writes the template into <paramref name="output"/>, after what is there. Not <c>Template.Render</c>, which
    /// returns the output as a new string and empties the buffer, nor <c>Template.Evaluate</c>, which writes nothing.
    /// </summary>
    private void Evaluate(HtmlTemplateContext context, StringBuilder output)
    {
        context.PushOutput(new StringBuilderOutput(output));
        // A template that parsed without errors has its page.
        context.Evaluate(_template.Page!);
    }

    private static HtmlTemplateContext NewContext(object model)
    {
        var context = new HtmlTemplateContext();
        var globals = new ScriptObject();
        globals.Import(model, renamer: context.MemberRenamer);
        context.PushGlobal(globals);
        return context;
    }
}

/// <summary>
/// The templates and static files of the web interface: embedded in the daemon, each replaceable by a file of
/// the same name in the folder <c>[supervisord] web_templates</c> names, read and compiled once when the daemon
/// starts (or restarts), so a broken override stops the start with its error instead of failing each request.
/// Without that folder the embedded templates, which are known to parse, are compiled when the first page is
/// served: a daemon whose web pages nobody opens never loads Scriban (1.3 MiB mapped, and its parser's code and
/// objects; tests/Supervisor.Benchmarks/README.md, "Where the memory goes").
/// </summary>
internal sealed class WebAssets
{
    public const string TemplatePrefix = "Web/Templates/";
    public const string StaticPrefix = "Web/Static/";

    /// <summary>The template of one row of the status table (the variable <c>row</c>).</summary>
    public const string RowTemplate = "row.html";

    private readonly Lazy<Dictionary<string, PageTemplate>> _templates;
    private readonly Dictionary<string, StaticFile> _static;

    private WebAssets(Lazy<Dictionary<string, PageTemplate>> templates, Dictionary<string, StaticFile> files, bool rowOverridden)
    {
        _templates = templates;
        _static = files;
        RowOverridden = rowOverridden;
    }

    /// <summary>The embedded templates and files, none overridden.</summary>
    public static WebAssets Embedded { get; } = Load(null);

    public PageTemplate Layout => _templates.Value["layout.html"];

    public PageTemplate Status => _templates.Value["status.html"];

    /// <summary>The status table's rows: <see cref="RowTemplate"/> once per row (<see cref="PageTemplate.RenderEach{T}"/>).</summary>
    public PageTemplate Row => _templates.Value[RowTemplate];

    /// <summary>
    /// Whether the operator's folder has its own <see cref="RowTemplate"/>: then the rows are rendered by it
    /// (Scriban), otherwise by <see cref="RowMarkup"/>, which writes the embedded template's markup directly.
    /// </summary>
    public bool RowOverridden { get; }

    public PageTemplate Tail => _templates.Value["tail.html"];

    /// <summary>
    /// The status table's rows of <paramref name="processes"/> into <paramref name="output"/>, links relative to
    /// <paramref name="root"/>: written directly (<see cref="RowMarkup"/>) unless the operator replaced
    /// <see cref="RowTemplate"/>, which is given each row's model (<see cref="StatusPageEndpoint.Row"/>).
    /// </summary>
    public void RenderRows(IReadOnlyList<ProcessView> processes, string root, StringBuilder output)
    {
        if (RowOverridden)
        {
            Row.RenderEach(processes.Select(StatusPageEndpoint.Row).ToList(), new RowGlobals(root), output);
            return;
        }

        for (var i = 0; i < processes.Count; i++)
        {
            RowMarkup.Write(processes[i], i, root, output);
        }
    }

    /// <summary>The static file served at <c>/static/<paramref name="name"/></c>, or null.</summary>
    public StaticFile? StaticFile(string name) => _static.GetValueOrDefault(name);

    /// <param name="overrides">A folder whose files replace the embedded ones of the same name, or null.</param>
    /// <exception cref="WebTemplateException">A template does not parse, or an override cannot be read.</exception>
    public static WebAssets Load(string? overrides)
    {
        var assembly = typeof(WebAssets).Assembly;
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        var rowOverridden = false;
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(TemplatePrefix, StringComparison.Ordinal))
            {
                var name = resource[TemplatePrefix.Length..];
                var overridden = Override(overrides, name);
                rowOverridden |= name == RowTemplate && overridden is not null;
                texts[name] = Encoding.UTF8.GetString(overridden ?? Read(assembly, resource));
            }
            else if (resource.StartsWith(StaticPrefix, StringComparison.Ordinal))
            {
                var name = resource[StaticPrefix.Length..];
                files[name] = new StaticFile(name, Override(overrides, name) ?? Read(assembly, resource));
            }
        }

        var templates = new Lazy<Dictionary<string, PageTemplate>>(() => Parse(texts), LazyThreadSafetyMode.ExecutionAndPublication);
        if (overrides is not null)
        {
            // An operator's template is checked now: a broken one stops the start, not each page.
            _ = templates.Value;
        }

        return new WebAssets(templates, files, rowOverridden);
    }

    /// <exception cref="WebTemplateException">A template does not parse.</exception>
    private static Dictionary<string, PageTemplate> Parse(Dictionary<string, string> texts)
    {
        var templates = new Dictionary<string, PageTemplate>(StringComparer.Ordinal);
        foreach (var (name, text) in texts)
        {
            // The row template is a table's body: all rows render in one evaluation.
            templates[name] = name == RowTemplate ? PageTemplate.ParseEach(name, text, "row") : PageTemplate.Parse(name, text);
        }

        return templates;
    }

    private static byte[]? Override(string? folder, string name)
    {
        if (folder is null)
        {
            return null;
        }

        var path = Path.Combine(folder, name);
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebTemplateException($"web template {path}: {e.Message}");
        }
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>What a row template sees beside its row (<c>root</c>: where the daemon's pages are, relative to the page).</summary>
internal sealed record RowGlobals(string Root);

/// <summary>A static file of the interface, its bytes and its content type.</summary>
internal sealed class StaticFile(string name, byte[] content)
{
    public byte[] Content { get; } = content;

    public string ContentType { get; } = Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };
}
