namespace Forcelink.Lambda.Runtime;

/// <summary>The multicore JIT profile of the managed build: its file name beside the program, and the variable that records one.</summary>
internal static class JitProfile
{
    public const string FileName = "forcelink.jitprofile";

    /// <summary>Set to a folder by the build's training run (<c>deploy/build.sh --managed</c>): the function records the
    /// methods it compiles and writes the profile there when it exits.</summary>
    public const string RecordVariable = "FORCELINK_JIT_PROFILE_RECORD";
}
