using System.Net;
using System.Text;
using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Conformance;

/// <summary>
/// An org that answers with recorded responses: a route table at the HTTP boundary whose bodies are corpus files served
/// byte for byte, and real <see cref="SalesforceClient"/>s (and JWT credentials) built on it.
/// </summary>
internal sealed class RecordedOrg : IDisposable
{
    public const string ApiVersion = "62.0";
    public const string Data = "/services/data/v62.0/";
    public const string ConsumerKey = "3MVG9conformanceConsumerKey";
    public const string Username = "integration@example.com";

    private readonly List<IDisposable> _owned = [];

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public StubHttpHandler Http { get; } = new();

    /// <summary>A corpus file as the body of a response; an empty file is an empty body.</summary>
    public static HttpResponseMessage Reply(HttpStatusCode status, string corpusFile)
    {
        var text = ConformanceCorpus.ReadText(corpusFile);
        return text.Length == 0 ? new HttpResponseMessage(status) { Content = new ByteArrayContent([]) } : StubHttpHandler.Json(status, text);
    }

    /// <summary>A JSON value taken from the corpus (for example one exemplar's page) as the body of a response.</summary>
    public static HttpResponseMessage Reply(HttpStatusCode status, System.Text.Json.Nodes.JsonNode body) =>
        StubHttpHandler.Json(status, body.ToJsonString());

    /// <summary>A client holding a token for https://acme.my.salesforce.com, on API <see cref="ApiVersion"/> unless told otherwise.</summary>
    public SalesforceClient Client(Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions { ApiVersion = ApiVersion, TimeProvider = Time, Transport = Http, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return Own(new SalesforceClient(new FakeCredential(Time), options));
    }

    /// <summary>A client that logs in with the JWT bearer flow at login.salesforce.com through the same route table.</summary>
    public SalesforceClient JwtClient() =>
        Own(new SalesforceClient(JwtCredential(), new SalesforceClientOptions { ApiVersion = ApiVersion, TimeProvider = Time, Transport = Http, RetryDelay = TimeSpan.Zero }));

    public JwtBearerCredential JwtCredential()
    {
        var key = Own(TestKeys.PrimarySigningKey());
        var options = new JwtBearerCredentialOptions { ConsumerKey = ConsumerKey, Username = Username, MaxLoginRetries = 0 };
        return new JwtBearerCredential(options, key, Own(new HttpClient(Http, disposeHandler: false)), Time);
    }

    /// <summary>The paths (and queries) of the requests sent so far, in order.</summary>
    public List<string> Paths => [.. Http.Requests.Select(r => Uri.UnescapeDataString(r.Uri.PathAndQuery))];

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        Http.Dispose();
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
