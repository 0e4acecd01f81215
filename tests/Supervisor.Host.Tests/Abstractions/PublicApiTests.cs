using System.Reflection;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Abstractions;

/// <summary>
/// Pins the plugin SDK's public surface: the test renders it and compares it with the committed
/// PublicApi.approved.txt, so every change to what plugins compile against shows up in review.
/// To accept a deliberate change, run with UPDATE_APPROVED_API=1 and commit the file.
/// </summary>
public sealed class PublicApiTests
{
    private static string ApprovedPath => Path.Combine(TestPaths.RepositoryRoot, "tests", "Supervisor.Host.Tests", "Abstractions", "PublicApi.approved.txt");

    [Fact]
    public void PublicSurfaceMatchesTheApprovedFile()
    {
        var actual = Render(typeof(ISupervisord).Assembly);
        if (Environment.GetEnvironmentVariable("UPDATE_APPROVED_API") == "1")
        {
            File.WriteAllText(ApprovedPath, actual);
        }

        var approved = File.Exists(ApprovedPath) ? File.ReadAllText(ApprovedPath) : "";
        Assert.Equal(approved, actual);
    }

    [Fact]
    public void AbstractionsDependsOnNothingButTheFramework()
    {
        var references = typeof(ISupervisord).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }

    /// <summary>One line per public type and member, sorted, with full type names.</summary>
    internal static string Render(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add(TypeLine(type));
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = new List<string>();
            foreach (var member in type.GetMembers(flags))
            {
                var line = MemberLine(type, member);
                if (line is not null)
                {
                    members.Add("    " + line);
                }
            }

            lines.AddRange(members.Order(StringComparer.Ordinal));
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static string TypeLine(Type type)
    {
        var kind = type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
        var baseType = type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? " : " + Name(b) : "";
        var attributes = type.IsSubclassOf(typeof(Attribute)) ? $" [{type.GetCustomAttribute<AttributeUsageAttribute>()?.ValidOn}]" : "";
        return $"{kind} {type.FullName}{baseType}{attributes}";
    }

    private static string? MemberLine(Type type, MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m when !m.IsSpecialName => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f when type.IsEnum && f.IsStatic => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f when !type.IsEnum => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        _ => null,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type type)
    {
        if (type.IsByRef || type.IsArray)
        {
            return Name(type.GetElementType()!) + (type.IsByRef ? "&" : "[]");
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition().FullName!;
        return $"{definition[..definition.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
