using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The library reading parent and child relationships the emulator answers as Salesforce does.</summary>
public sealed class ClientChildRecordsTests
{
    [Fact]
    public async Task QueryAsync_ChildSubqueryAndParent_ReadThroughTheRecord()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var acme = new SObject("Account");
        acme.Set("Name", "Acme");
        await client.CreateAsync(acme);
        var empty = new SObject("Account");
        empty.Set("Name", "Empty");
        await client.CreateAsync(empty);
        var contact = new SObject("Contact");
        contact.Set("LastName", "Smith");
        contact.Set("AccountId", acme.Id);
        await client.CreateAsync(contact);
        await client.CreateAsync(new Case { Subject = "Printer on fire", AccountId = acme.Id, ContactId = contact.Id });

        var accounts = await client.QueryAsync(SoqlQuery.Raw(
            "SELECT Name, (SELECT LastName FROM Contacts), (SELECT Subject, Contact.LastName FROM Cases) FROM Account ORDER BY Name")).ToListAsync();

        Assert.Equal(["Acme", "Empty"], accounts.Select(a => a.GetString("Name")));
        Assert.Equal(["Smith"], accounts[0].GetChildren("Contacts").Select(c => c.GetString("LastName")));
        var @case = Assert.Single(accounts[0].GetChildren<Case>("Cases"));
        Assert.Equal("Printer on fire", @case.Subject);
        Assert.Equal("Smith", @case.GetRelated("Contact")!.GetString("LastName"));
        Assert.Empty(accounts[1].GetChildren("Contacts"));
        Assert.Equal(["Smith"], (await client.QueryChildrenAsync(accounts[0], "Contacts").ToListAsync()).Select(c => c.GetString("LastName")));
    }
}
