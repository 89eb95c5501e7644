using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Forcelink.Emulator.Hosting;

namespace Forcelink.Bench;

/// <summary>
/// The org the bench drivers and the JIT profile's training run log in to, as the function and the bench clients do:
/// one JWT bearer app trusting a fresh key that is written to a file, its user, and Lead's external id <c>Ext_Id__c</c>.
/// </summary>
internal static class BenchOrg
{
    public const string ConsumerKey = "3MVG9bench";
    public const string Username = "bench@example.com";

    /// <summary>Writes the key to <c>server.key</c> in <paramref name="directory"/> and starts the emulator on a free port.</summary>
    public static async Task<EmulatorHost> StartAsync(string directory)
    {
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(KeyFile(directory), rsa.ExportPkcs8PrivateKeyPem());
        using var certificate = new CertificateRequest("CN=forcelink-bench", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));

        var options = new EmulatorOptions();
        options.Org.DailyApiLimit = 100_000_000;
        options.Org.CustomFields["Lead"] = [new CustomFieldOptions { Name = "Ext_Id__c", ExternalId = true, Unique = true }];
        options.Org.Apps.Add(new AppOptions { Name = "Bench", ConsumerKey = ConsumerKey, CertificatePem = certificate.ExportCertificatePem(), Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username });
        return await EmulatorHost.StartAsync(options);
    }

    /// <summary>The FORCELINK_* variables that log in to <paramref name="emulator"/> with the key <see cref="StartAsync"/> wrote to <paramref name="directory"/>.</summary>
    public static Dictionary<string, string> Environment(EmulatorHost emulator, string directory) => new()
    {
        ["FORCELINK_LOGIN_URL"] = emulator.BaseUrl.ToString().TrimEnd('/'),
        ["FORCELINK_CONSUMER_KEY"] = ConsumerKey,
        ["FORCELINK_USERNAME"] = Username,
        ["FORCELINK_PRIVATE_KEY_FILE"] = KeyFile(directory),
        ["FORCELINK_API_VERSION"] = "62.0",
    };

    private static string KeyFile(string directory) => Path.Combine(directory, "server.key");
}
