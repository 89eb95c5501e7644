using Forcelink.Authentication;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// An emulated org on a free 127.0.0.1 port with a connected app and a pre-authorized user, and a session whose
/// FORCELINK_* variables point at it with a key pair on disk. <c>configure</c> breaks one thing for doctor tests.
/// </summary>
internal sealed class CliOrg : IAsyncDisposable
{
    public const string ConsumerKey = "3MVG9cli.tests.consumer.key";
    public const string Username = "integration@cli.example.com";

    private CliOrg(EmulatorHost host, CliSession session)
    {
        Host = host;
        Session = session;
    }

    public EmulatorHost Host { get; }

    public CliSession Session { get; }

    public string KeyFile => Session.PathOf("server.key");

    public string CertificateFile => Session.PathOf("server.crt");

    public static async Task<CliOrg> StartAsync(Action<EmulatorOptions, string>? configure = null, DateTimeOffset? certificateNotAfter = null)
    {
        var session = new CliSession();
        using var key = RsaSigningKey.Generate();
        var notAfter = certificateNotAfter ?? TimeProvider.System.GetUtcNow().AddDays(365);
        using var certificate = key.CreateSelfSignedCertificate("CN=cli-tests", notAfter.AddDays(-400), TimeSpan.FromDays(400));
        var certificatePem = SalesforceCertificate.ExportPem(certificate);
        await File.WriteAllTextAsync(session.PathOf("server.key"), key.ExportPkcs8Pem());
        await File.WriteAllTextAsync(session.PathOf("server.crt"), certificatePem);

        var options = new EmulatorOptions { Port = 0 };
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = ConsumerKey, CertificatePem = certificatePem, Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username });
        configure?.Invoke(options, certificatePem);
        var host = await EmulatorHost.StartAsync(options).WaitAsync(TimeSpan.FromSeconds(30));

        session.Environment["FORCELINK_LOGIN_URL"] = host.BaseUrl.GetLeftPart(UriPartial.Authority);
        session.Environment["FORCELINK_CONSUMER_KEY"] = ConsumerKey;
        session.Environment["FORCELINK_USERNAME"] = Username;
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = session.PathOf("server.key");
        session.Environment["FORCELINK_CERTIFICATE_FILE"] = session.PathOf("server.crt");
        return new CliOrg(host, session);
    }

    /// <summary>
    /// The same org with the app's consumer secret and Run As user set, and a session configured for the client
    /// credentials flow from variables (FORCELINK_AUTH, FORCELINK_CLIENT_SECRET_FILE), the JWT variables removed.
    /// </summary>
    public static async Task<CliOrg> StartClientCredentialsAsync(Action<EmulatorOptions>? configure = null)
    {
        var org = await StartAsync((options, _) =>
        {
            options.Org.Users.Add(new UserOptions { Username = RunAsUser, FirstName = "Run", LastName = "As" });
            options.Org.Apps[0].ConsumerSecret = ClientSecret;
            options.Org.Apps[0].ClientCredentialsUser = RunAsUser;
            configure?.Invoke(options);
        });
        await File.WriteAllTextAsync(org.Session.PathOf("client.secret"), ClientSecret + "\n");
        foreach (var variable in new[] { "FORCELINK_USERNAME", "FORCELINK_PRIVATE_KEY_FILE", "FORCELINK_CERTIFICATE_FILE" })
        {
            org.Session.Environment.Remove(variable);
        }

        org.Session.Environment["FORCELINK_AUTH"] = "client_credentials";
        org.Session.Environment["FORCELINK_CLIENT_SECRET_FILE"] = org.Session.PathOf("client.secret");
        return org;
    }

    // Distinctive, so that a search of all output for it cannot match anything else.
    public const string ClientSecret = "Xv9-CLI-CLIENT-SECRET-41aa0c";
    public const string RunAsUser = "runas@cli.example.com";

    public Task<CliRun> RunAsync(params string[] args) => Session.RunAsync(args);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Session.Dispose();
    }
}
