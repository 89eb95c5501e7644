namespace Forcelink.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void ProductName_IsForcelink() => Assert.Equal("Forcelink", ForcelinkInfo.ProductName);
}
