using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Rpc;

/// <summary>
/// Reads the <c>[RpcMethod]</c> methods of a namespace object once and compiles, for each, the
/// delegates a call needs. This is the only place that reflects over plugin code.
/// </summary>
internal static class RpcMethodBuilder
{
    private static readonly MethodInfo AwaitTaskMethod = typeof(RpcMethodBuilder).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskMethod = typeof(RpcMethodBuilder).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo FromResultMethod = typeof(RpcMethodBuilder).GetMethod(nameof(FromResult), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Every wire method (aliases included) that <paramref name="target"/> exposes under <paramref name="namespaceName"/>.</summary>
    /// <param name="threads">Where methods not declared <c>NonBlocking</c> run (made on first need), or null to run every method on the caller's thread.</param>
    /// <exception cref="RpcDeclarationException">Methods cannot be exposed; the message names every one, one per line.</exception>
    /// <param name="lease">The calls in flight on this version of a hot-reloadable namespace, or null.</param>
    public static IReadOnlyList<RpcMethod> Build(string namespaceName, object target, Func<TaskScheduler>? threads = null, NamespaceLease? lease = null)
    {
        // Every badly declared method is reported, not only the first, so a plugin author fixes them in one go.
        var problems = new List<string>();
        var methods = new List<RpcMethod>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in target.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var attribute = method.GetCustomAttribute<RpcMethodAttribute>();
            if (attribute is null)
            {
                continue;
            }

            var names = new List<string> { attribute.Name ?? MethodName(method.Name) };
            names.AddRange(attribute.Aliases);
            try
            {
                foreach (var name in names)
                {
                    ValidateName(name);
                    if (!seen.Add(name))
                    {
                        throw new RpcDeclarationException($"the name '{name}' is declared twice");
                    }
                }

                methods.AddRange(Describe(namespaceName, names, target, method, attribute, attribute.NonBlocking ? null : threads?.Invoke(), lease));
            }
            catch (RpcDeclarationException e)
            {
                problems.Add($"namespace '{namespaceName}', method {method.DeclaringType?.FullName}.{method.Name}: {e.Message}");
            }
        }

        return problems.Count == 0 ? methods : throw new RpcDeclarationException(string.Join("\n", problems));
    }

    private static void ValidateName(string name)
    {
        if (name.Length == 0 || name[0] == '_' || name.Contains('.') || name.Any(char.IsWhiteSpace))
        {
            throw new RpcDeclarationException($"'{name}' is not a valid method name (no leading '_', no '.', no spaces)");
        }
    }

    private static IEnumerable<RpcMethod> Describe(string namespaceName, List<string> names, object target, MethodInfo method, RpcMethodAttribute attribute, TaskScheduler? threads, NamespaceLease? lease)
    {
        if (method.IsGenericMethodDefinition)
        {
            throw new RpcDeclarationException("generic methods cannot be exposed");
        }

        var parameters = method.GetParameters();
        var wireParameters = parameters.Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
        var converters = new Func<object?, object?>[wireParameters.Length];
        var defaults = new object?[wireParameters.Length];
        var required = 0;
        for (var i = 0; i < wireParameters.Length; i++)
        {
            var parameter = wireParameters[i];
            if (parameter.IsOut || parameter.ParameterType.IsByRef)
            {
                throw new RpcDeclarationException($"parameter '{parameter.Name}' is by-reference");
            }

            if (XmlRpcTypes.WhyNot(parameter.ParameterType) is { } reason)
            {
                throw new RpcDeclarationException($"parameter '{parameter.Name}' has type {XmlRpcTypes.Display(parameter.ParameterType)}, which XML-RPC cannot carry: {reason}");
            }

            try
            {
                converters[i] = ValueConverters.For(parameter.ParameterType);
            }
            catch (RpcDeclarationException e)
            {
                throw new RpcDeclarationException($"parameter '{parameter.Name}': {e.Message}");
            }
            if (parameter.HasDefaultValue)
            {
                defaults[i] = parameter.DefaultValue;
            }
            else if (required != i)
            {
                throw new RpcDeclarationException($"parameter '{parameter.Name}' has no default but follows an optional parameter");
            }
            else
            {
                required++;
            }
        }

        var resultType = ResultType(method.ReturnType)
            ?? throw new RpcDeclarationException($"it returns {method.ReturnType}; an XML-RPC method must return a value (use bool for 'always true')");
        if (XmlRpcTypes.WhyNot(resultType) is { } resultReason)
        {
            throw new RpcDeclarationException($"its result type {XmlRpcTypes.Display(resultType)} cannot be carried by XML-RPC: {resultReason}");
        }

        // [RpcReturn(Type = ...)] renames the type for clients; what is written is still the value's own.
        var returns = method.ReturnParameter.GetCustomAttribute<RpcReturnAttribute>();
        var returnTypeName = returns?.Type ?? XmlRpcTypes.NameOf(resultType)!;

        var signature = new List<string> { returnTypeName };
        signature.AddRange(wireParameters.Select(ParameterTypeName));
        var help = HelpText(attribute, wireParameters, returns, returnTypeName);
        var invoke = new Lazy<Func<object?[], CancellationToken, ValueTask<object?>>>(
            () => Invoker(target, method, parameters), LazyThreadSafetyMode.ExecutionAndPublication);
        foreach (var name in names)
        {
            yield return new RpcMethod(namespaceName + "." + name, help, signature, required, converters, defaults, invoke, threads, lease);
        }
    }

    /// <summary>A method's default wire name: <c>GetAPIVersion</c> is <c>getAPIVersion</c>, <c>ReadLog</c> <c>readLog</c> (a leading acronym keeps its capitals, unlike a struct key).</summary>
    private static string MethodName(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>The declared XML-RPC type of a parameter: <see cref="RpcParamAttribute.Type"/>, else derived from the CLR type.</summary>
    private static string ParameterTypeName(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<RpcParamAttribute>()?.Type ?? XmlRpcTypes.NameOf(parameter.ParameterType)!;

    /// <summary>The value type a method produces once awaited (unwrapping <see cref="FrozenResult{T}"/>); null for void, Task and ValueTask.</summary>
    private static Type? ResultType(Type returnType)
    {
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return null;
        }

        if (returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            returnType = returnType.GetGenericArguments()[0];
        }

        // A frozen result is the value it wraps, encoded once: the signature names the value's type
        // (any value, when the method declares the untyped base).
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(FrozenResult<>))
        {
            return returnType.GetGenericArguments()[0];
        }

        if (returnType == typeof(FrozenResult))
        {
            return typeof(object);
        }

        return returnType;
    }

    /// <summary>The reference's docstring shape: a summary, then <c>@param type name text</c> and <c>@return type name text</c> lines.</summary>
    private static string HelpText(RpcMethodAttribute attribute, ParameterInfo[] wireParameters, RpcReturnAttribute? returns, string returnTypeName)
    {
        var help = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(attribute.Help))
        {
            help.Append(attribute.Help.Trim()).Append("\n\n");
        }

        foreach (var parameter in wireParameters)
        {
            help.Append("@param ").Append(ParameterTypeName(parameter)).Append(' ').Append(parameter.Name);
            var description = parameter.GetCustomAttribute<RpcParamAttribute>()?.Description;
            if (!string.IsNullOrWhiteSpace(description))
            {
                help.Append(' ').Append(description.Trim());
            }

            help.Append('\n');
        }

        help.Append("@return ").Append(returnTypeName).Append(' ').Append(returns?.Name ?? "result");
        if (!string.IsNullOrWhiteSpace(returns?.Description))
        {
            help.Append(' ').Append(returns.Description.Trim());
        }

        return help.ToString();
    }

    /// <summary>
    /// <c>(args, token) =&gt; (ValueTask&lt;object?&gt;)target.Method((T0)args[0], ..., token)</c>, emitted on first use as a
    /// dynamic method bound to <paramref name="target"/>, so a call is a direct call: the checks above already refused
    /// every method it could not call. Emitted rather than compiled from an expression tree, which did the same but
    /// mapped System.Linq.Expressions and its compiler into the daemon from the first request on (2-3 MiB resident;
    /// tests/Supervisor.Benchmarks/README.md, "Where the memory goes").
    /// </summary>
    private static Func<object?[], CancellationToken, ValueTask<object?>> Invoker(object target, MethodInfo method, ParameterInfo[] parameters)
    {
        var invoker = new DynamicMethod(
            method.Name,
            typeof(ValueTask<object?>),
            [typeof(object), typeof(object?[]), typeof(CancellationToken)],
            restrictedSkipVisibility: true);
        var il = invoker.GetILGenerator();
        var declaringType = method.DeclaringType!;
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(declaringType.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, declaringType);
        var wireIndex = 0;
        foreach (var parameter in parameters)
        {
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                il.Emit(OpCodes.Ldarg_2);
            }
            else
            {
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, wireIndex++);
                il.Emit(OpCodes.Ldelem_Ref);
                il.Emit(OpCodes.Unbox_Any, parameter.ParameterType);
            }
        }

        il.Emit(declaringType.IsValueType ? OpCodes.Call : OpCodes.Callvirt, method);
        var returnType = method.ReturnType;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            il.Emit(OpCodes.Call, AwaitTaskMethod.MakeGenericMethod(returnType.GetGenericArguments()[0]));
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            il.Emit(OpCodes.Call, AwaitValueTaskMethod.MakeGenericMethod(returnType.GetGenericArguments()[0]));
        }
        else
        {
            if (returnType.IsValueType)
            {
                il.Emit(OpCodes.Box, returnType);
            }

            il.Emit(OpCodes.Call, FromResultMethod);
        }

        il.Emit(OpCodes.Ret);
        return invoker.CreateDelegate<Func<object?[], CancellationToken, ValueTask<object?>>>(target);
    }

    private static async ValueTask<object?> AwaitTask<T>(Task<T> task) => await task.ConfigureAwait(false);

    private static async ValueTask<object?> AwaitValueTask<T>(ValueTask<T> task) => await task.ConfigureAwait(false);

    private static ValueTask<object?> FromResult(object? value) => new(value);
}
