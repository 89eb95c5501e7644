using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Forcelink.Authentication;

/// <summary>Builds and signs the RS256 assertion: <c>base64url(header).base64url(claims).base64url(signature)</c>.</summary>
internal static class JwtAssertion
{
    // base64url of {"alg":"RS256","typ":"JWT"}, fixed for every assertion.
    private const string EncodedHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

    public static string Create(RsaSigningKey key, string issuer, string subject, string audience, DateTimeOffset expiresAt)
    {
        var claims = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("iss"u8, issuer);
            writer.WriteString("sub"u8, subject);
            writer.WriteString("aud"u8, audience);
            writer.WriteNumber("exp"u8, expiresAt.ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        var claimsLength = Base64Url.GetEncodedLength(claims.WrittenCount);
        var signingInputLength = EncodedHeader.Length + 1 + claimsLength;
        var signatureLength = Base64Url.GetEncodedLength(key.SignatureSize);
        var buffer = ArrayPool<byte>.Shared.Rent(signingInputLength + 1 + signatureLength);
        var signature = ArrayPool<byte>.Shared.Rent(key.SignatureSize);
        try
        {
            var span = buffer.AsSpan();
            var position = System.Text.Encoding.ASCII.GetBytes(EncodedHeader, span);
            span[position++] = (byte)'.';
            position += Base64Url.EncodeToUtf8(claims.WrittenSpan, span[position..]);
            if (!key.TrySign(span[..position], signature, out var signatureWritten))
            {
                throw new InvalidOperationException("Signing the assertion failed: the signature buffer was too small.");
            }

            span[position++] = (byte)'.';
            position += Base64Url.EncodeToUtf8(signature.AsSpan(0, signatureWritten), span[position..]);
            return System.Text.Encoding.ASCII.GetString(span[..position]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signature);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
