using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// Encrypts shared tokens with a KMS key (<c>FORCELINK_TOKEN_KMS_KEY_ID</c>), so reading the table is not enough to
/// call Salesforce: the reader also needs <c>kms:Decrypt</c> on the key. The item key is the encryption context, so a
/// ciphertext copied into another item does not decrypt.
/// </summary>
internal sealed class KmsTokenCipher(IAmazonKeyManagementService kms, string keyId)
{
    private const string ContextName = "forcelink-token-item";

    public string KeyId { get; } = keyId;

    public async Task<byte[]> EncryptAsync(string token, string itemKey, CancellationToken cancellationToken = default)
    {
        using var plaintext = new MemoryStream(Encoding.UTF8.GetBytes(token));
        var response = await kms.EncryptAsync(new EncryptRequest
        {
            KeyId = KeyId,
            Plaintext = plaintext,
            EncryptionContext = new Dictionary<string, string> { [ContextName] = itemKey },
        }, cancellationToken).ConfigureAwait(false);
        return response.CiphertextBlob.ToArray();
    }

    public async Task<string> DecryptAsync(byte[] ciphertext, string itemKey, CancellationToken cancellationToken = default)
    {
        using var blob = new MemoryStream(ciphertext);
        var response = await kms.DecryptAsync(new DecryptRequest
        {
            // Naming the key makes KMS refuse a ciphertext made with any other key.
            KeyId = KeyId,
            CiphertextBlob = blob,
            EncryptionContext = new Dictionary<string, string> { [ContextName] = itemKey },
        }, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(response.Plaintext.ToArray());
    }
}
