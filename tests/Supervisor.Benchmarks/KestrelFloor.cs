using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Supervisor.Benchmarks;

/// <summary>
/// Console mode <c>kestrel-floor [port]</c>: a bare Kestrel server (Kestrel's own socket transport, no
/// middleware) that reads each request's body and answers the bytes of a <c>supervisor.getState</c> answer,
/// with a Content-Length. It is the floor for the daemon's round trip: what Kestrel and the socket layer
/// cost per request on this machine, without routing, XML-RPC or the call. Runs until killed.
/// </summary>
internal static class KestrelFloor
{
    private static readonly byte[] Answer =
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n"u8.ToArray();

    public static int Run(string[] args)
    {
        var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9102;
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Listen(new IPEndPoint(IPAddress.Loopback, port));
        using var server = new KestrelServer(
            Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance),
            NullLoggerFactory.Instance);
        server.StartAsync(new FixedAnswer(), CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare Kestrel answering fixed bytes on 127.0.0.1:{port}"));
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private sealed class FixedAnswer : IHttpApplication<IFeatureCollection>
    {
        public IFeatureCollection CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

        public async Task ProcessRequestAsync(IFeatureCollection context)
        {
            var body = context.GetRequiredFeature<IHttpRequestBodyDetectionFeature>().CanHaveBody
                ? context.GetRequiredFeature<IRequestBodyPipeFeature>().Reader
                : null;
            while (body is not null)
            {
                var read = await body.ReadAsync();
                body.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            var response = context.GetRequiredFeature<IHttpResponseFeature>();
            response.StatusCode = 200;
            response.Headers.ContentType = "text/xml";
            response.Headers.ContentLength = Answer.Length;
            await context.GetRequiredFeature<IHttpResponseBodyFeature>().Writer.WriteAsync(Answer);
        }

        public void DisposeContext(IFeatureCollection context, Exception? exception)
        {
        }
    }
}
