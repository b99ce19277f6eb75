using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GitLabBus.GitLab.Http;

/// <summary>
/// Sends one REST call with a token and turns the answer into a value or a <see cref="GitLabException"/>; reads pages
/// and follows them. Paths are relative to <c>/api/v4/</c>.
/// </summary>
internal sealed class GitLabConnection(
    HttpClient http,
    IGitLabTokenSource? tokens,
    int defaultPageSize,
    TimeProvider time,
    GitLabTelemetry telemetry,
    Uri? apiBase = null
)
{
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>A successful answer, its body not yet read (traces, artifacts); the caller disposes it.</summary>
    /// <param name="range">For downloads: the bytes wanted (GitLab serves artifacts with range support).</param>
    public async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method,
        string path,
        object? body,
        HttpCompletionOption completion,
        CancellationToken cancellationToken,
        RangeHeaderValue? range = null,
        bool fromStorage = false
    )
    {
        if (tokens is null)
        {
            throw new GitLabException(
                GitLabErrorKind.Configuration,
                "no GitLab token: set GITLAB_TOKEN or pass a user token",
                request: CallOf(method, path)
            );
        }

        var token = await tokens.CurrentAsync(cancellationToken);
        try
        {
            return await SendWithAsync(token);
        }
        catch (GitLabException refused) when (refused.Status == HttpStatusCode.Unauthorized)
        {
            var renewed = await tokens.RenewAsync(token, cancellationToken);
            if (renewed is null)
            {
                throw;
            }

            return await SendWithAsync(renewed);
        }

        async Task<HttpResponseMessage> SendWithAsync(GitLabToken with)
        {
            using var request = new HttpRequestMessage(method, Target(path));
            with.Apply(request);
            request.Headers.Range = range;
            request.Options.Set(GitLabResilience.Partition, with.Fingerprint);
            request.Options.Set(StorageRedirect, fromStorage);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: GitLabJson.Options);
            }

            return await SendAsync(request, cancellationToken, completion);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead
    )
    {
        var call = CallOf(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException refused) when (refused.InnerException is OutboundAddressRefusedException address)
        {
            throw new GitLabException(GitLabErrorKind.Configuration, address.Message, request: call, inner: refused);
        }
        catch (Exception failure) when (failure is HttpRequestException or TimeoutRejectedException or BrokenCircuitException)
        {
            var network = new GitLabException(GitLabErrorKind.Network, Describe(failure), request: call, inner: failure);
            telemetry.Failed(network);
            throw network;
        }

        telemetry.Answered(response);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        if (IsRedirect(response) && request.Options.TryGetValue(StorageRedirect, out var follows) && follows)
        {
            return await FromStorageAsync(request, response, cancellationToken);
        }

        using (response)
        {
            var error = await ErrorOfAsync(response, call, cancellationToken);
            telemetry.Failed(error);
            throw error;
        }
    }

    /// <summary>
    /// Marks a download that GitLab may send to its object storage (artifacts with direct download on): that one redirect is
    /// followed, to a signed URL that needs no token and gets none. Every other redirect is an error.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> StorageRedirect = new("gitlab.storage-redirect");

    private static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is >= 300 and < 400;

    private async Task<HttpResponseMessage> FromStorageAsync(
        HttpRequestMessage request,
        HttpResponseMessage redirect,
        CancellationToken cancellationToken
    )
    {
        using (redirect)
        {
            if (redirect.Headers.Location is not { IsAbsoluteUri: true } location || location.Scheme is not ("https" or "http"))
            {
                throw await ErrorOfAsync(redirect, CallOf(request), cancellationToken);
            }

            using var stored = new HttpRequestMessage(HttpMethod.Get, location);
            stored.Headers.Range = request.Headers.Range;
            stored.Options.Set(GitLabResilience.Partition, location.Host);
            var response = await http.SendAsync(stored, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw await ErrorOfAsync(response, $"GET {location.Host}{location.AbsolutePath} (artifact storage)", cancellationToken);
            }
        }
    }

    /// <summary>The trigger API: a form whose <c>token</c> field is the trigger token, and no other credential.</summary>
    public async Task<T> TriggerAsync<T>(
        string path,
        GitLabToken trigger,
        IEnumerable<KeyValuePair<string, string>> form,
        CancellationToken cancellationToken
    )
    {
        using var content = trigger.AsFormField(form);
        return await PostFormAsync<T>(new Uri(path, UriKind.Relative), trigger.Fingerprint, content, cancellationToken);
    }

    /// <summary>A form that carries its own credential (a trigger token, an OAuth client's secret), sent with no other.</summary>
    /// <param name="partition">Whose rate limit the call counts against.</param>
    public async Task<T> PostFormAsync<T>(Uri target, string partition, FormUrlEncodedContent form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        request.Options.Set(GitLabResilience.Partition, partition);
        request.Content = form;
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task<GitLabPage<T>> GetPageAsync<T>(string path, int page, int? perPage, CancellationToken cancellationToken)
    {
        var paged = WithQuery(path, $"page={page}&per_page={perPage ?? defaultPageSize}");
        using var response = await SendRawAsync(HttpMethod.Get, paged, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var items = await ReadAsync<List<T>>(response, cancellationToken);
        return new GitLabPage<T>(
            items,
            Header(response, "x-page") ?? page,
            Header(response, "x-per-page") ?? perPage ?? defaultPageSize,
            Header(response, "x-next-page"),
            Header(response, "x-prev-page"),
            Header(response, "x-total"),
            Header(response, "x-total-pages")
        )
        {
            NextLink = NextLink(response),
        };
    }

    /// <summary>Every item, page after page, following <c>x-next-page</c> (or the <c>Link</c> header's next).</summary>
    public async IAsyncEnumerable<T> ListAsync<T>(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = 1;
        while (true)
        {
            var current = await GetPageAsync<T>(path, page, null, cancellationToken);
            foreach (var item in current.Items)
            {
                yield return item;
            }

            if (current.NextPage is { } next && next > page)
            {
                page = next;
            }
            else if (current.NextPage is null && current.NextLink is { } link && PageOf(link) is { } linked && linked > page)
            {
                page = linked;
            }
            else
            {
                yield break;
            }
        }
    }

    /// <summary>A path under <c>/api/v4/</c>: relative to the client's own base, or to another instance's.</summary>
    private Uri Target(string path) => apiBase is null ? new Uri(path, UriKind.Relative) : new Uri(apiBase, path);

    public static string WithQuery(string path, string query) =>
        string.IsNullOrEmpty(query) ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(GitLabJson.Options, cancellationToken)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException invalid)
        {
            throw new GitLabException(
                GitLabErrorKind.Server,
                $"unreadable answer ({invalid.Message})",
                response.StatusCode,
                CallOf(response.RequestMessage!),
                invalid
            );
        }
    }

    private async Task<GitLabException> ErrorOfAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (IsRedirect(response))
        {
            var host = response.Headers.Location is { IsAbsoluteUri: true } location ? location.Host : "the same host";
            return new GitLabException(
                GitLabErrorKind.Configuration,
                $"GitLab redirected to {host}; redirects are not followed (the token would go along): check GITLAB_BASE_URL",
                response.StatusCode,
                call
            );
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var (message, code) = MessageOf(text, response.StatusCode);
        return new GitLabException(GitLabErrorMapping.KindOf(status, message, code), message, response.StatusCode, call)
        {
            ErrorCode = code,
            RetryAfter = response.StatusCode == HttpStatusCode.TooManyRequests ? GitLabResilience.RetryAfter(response, time) : null,
        };
    }

    /// <summary>
    /// GitLab says why in <c>message</c> (a string, or field → errors) or <c>error</c>, and sometimes names the case in
    /// <c>error_code</c> (a cherry-pick's <c>conflict</c> or <c>empty</c>).
    /// </summary>
    private static (string Message, string? Code) MessageOf(string body, HttpStatusCode status)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (
                root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("message", out var message) || root.TryGetProperty("error", out message))
            )
            {
                var code =
                    root.TryGetProperty("error_code", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
                return (message.ValueKind == JsonValueKind.String ? message.GetString()! : Flatten(message), code);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the status says enough.
        }

        return ($"{(int)status} {status}", null);
    }

    private static string Flatten(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object
            ? string.Join(
                "; ",
                message
                    .EnumerateObject()
                    .Select(field =>
                        $"{field.Name} {string.Join(", ", field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(e => e.ToString())
                            : [field.Value.ToString()])}"
                    )
            )
            : message.ToString();

    private static string Describe(Exception failure) =>
        failure switch
        {
            TimeoutRejectedException => "GitLab did not answer in time",
            HttpRequestException { HttpRequestError: var error } => $"GitLab unreachable ({error})",
            _ => "GitLab marked unavailable after repeated failures (circuit open); calls resume after a pause",
        };

    /// <summary>Method and path, never the query string: what an error may say about the call.</summary>
    private static string CallOf(HttpMethod method, string path) => $"{method} {path.Split('?', 2)[0]}";

    private static string CallOf(HttpRequestMessage request) =>
        CallOf(
            request.Method,
            request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute.AbsolutePath : request.RequestUri!.OriginalString
        );

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), out var value) ? value : null;

    private static Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var part in values.SelectMany(value => value.Split(',')))
        {
            var pieces = part.Split(';');
            if (pieces.Length > 1 && pieces[1..].Any(piece => piece.Trim() == "rel=\"next\""))
            {
                return Uri.TryCreate(pieces[0].Trim().Trim('<', '>'), UriKind.Absolute, out var link) ? link : null;
            }
        }

        return null;
    }

    private static int? PageOf(Uri link) =>
        System.Web.HttpUtility.ParseQueryString(link.Query)["page"] is { } page && int.TryParse(page, out var number) ? number : null;
}
