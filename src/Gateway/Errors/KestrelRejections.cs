using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitLabBus.Contracts;
using Microsoft.AspNetCore.Connections;

namespace GitLabBus.Gateway.Errors;

/// <summary>
/// The web server refuses some requests before any middleware runs (a NUL in the path, a request line or headers past its
/// limits, malformed HTTP), with a bare status and <c>Content-Length: 0</c>, and offers no hook for the answer
/// (dotnet/aspnetcore#4726). This connection middleware gives those answers the contract's body: it watches the start
/// of each flush on the connection's output and rewrites exactly that shape, the only one that has no body here (every
/// answer of ours carries a <c>Content-Type</c>).
/// </summary>
public static partial class KestrelRejections
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static ConnectionDelegate Rewrite(ConnectionDelegate next) =>
        async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new Duplex(transport.Input, new RejectionWriter(transport.Output));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        };

    /// <summary>The contract's answer for a bare rejection in <paramref name="response"/>, or null when it is anything else.</summary>
    public static byte[]? Rewritten(ReadOnlySpan<byte> response)
    {
        // Every flush of every answer comes here: anything that is not a 4xx or 5xx status line is passed at a glance.
        if (!response.StartsWith("HTTP/1.1 4"u8) && !response.StartsWith("HTTP/1.1 5"u8))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(response);
        if (BareRejection().Match(text) is not { Success: true } bare)
        {
            return null;
        }

        var status = int.Parse(bare.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var message = status switch
        {
            400 => "the request could not be read: malformed HTTP, or a character a path may not hold (such as %00)",
            408 => "the request's headers did not arrive in time",
            414 => $"the request target is longer than {RequestBounds.ServerTargetLimit} characters",
            431 => $"the request headers are longer than {RequestBounds.ServerHeadersLimit} bytes in all",
            _ => $"{status} {(HttpStatusCode)status}",
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(ApiError.Body(ErrorCodes.ForStatus(status), message), Json);
        var head =
            $"HTTP/1.1 {status} {bare.Groups["reason"].Value}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n"
            + $"Connection: close\r\n{bare.Groups["rest"].Value}\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    [GeneratedRegex(
        @"\AHTTP/1\.1 (?<status>[45]\d\d) (?<reason>[^\r\n]*)\r\nContent-Length: 0\r\nConnection: close\r\n"
            + @"(?<rest>(?:(?:Date|Server): [^\r\n]*\r\n)*)\r\n\z"
    )]
    private static partial Regex BareRejection();

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes the output through, except that the first <see cref="Window"/> bytes of each flush are held back until the
    /// flush (or until more is written): a bare rejection is shorter than that and is swapped before it leaves.
    /// </summary>
    private sealed class RejectionWriter(PipeWriter inner) : PipeWriter
    {
        private const int Window = 256;
        private readonly byte[] _held = new byte[Window];
        private int _heldLength;
        private bool _passing;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (!_passing && _heldLength + Math.Max(sizeHint, 1) <= Window)
            {
                return _held.AsMemory(_heldLength, Window - _heldLength);
            }

            PassThrough();
            return inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (_passing)
            {
                inner.Advance(bytes);
            }
            else
            {
                _heldLength += bytes;
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (!_passing && _heldLength > 0)
            {
                var held = _held.AsSpan(0, _heldLength);
                inner.Write(Rewritten(held) ?? held);
            }

            (_heldLength, _passing) = (0, false);
            return inner.FlushAsync(cancellationToken);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + _heldLength;

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            PassThrough();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            PassThrough();
            await inner.CompleteAsync(exception);
        }

        /// <summary>What is held goes out as it is: this flush is longer than a rejection.</summary>
        private void PassThrough()
        {
            if (_passing)
            {
                return;
            }

            if (_heldLength > 0)
            {
                inner.Write(_held.AsSpan(0, _heldLength));
                _heldLength = 0;
            }

            _passing = true;
        }
    }
}
