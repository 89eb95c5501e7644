namespace Forcelink.Cli;

/// <summary>What <c>forcelink</c> returns to the shell; scripts branch on these, so values never change.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int AuthFailed = 4;
    public const int ConfigInvalid = 5;
    public const int DoctorFailed = 6;
    public const int CertificateInvalid = 7;
    public const int PartialFailure = 8;
    public const int AssertionInvalid = 9;

    /// <summary>No connection could be made to the login URL or the instance (refused, unknown host): nothing was sent.</summary>
    public const int Unreachable = 10;
    public const int Cancelled = 130;
}
