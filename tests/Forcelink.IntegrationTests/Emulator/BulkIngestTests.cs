using System.Net;
using System.Text;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>Bulk API 2.0 ingest jobs over loopback HTTP: lifecycle, results, errors, limits (keys and strings as in docs/emulator.md).</summary>
public sealed class BulkIngestTests
{
    private const string Created = "2026-11-02T09:00:00.000+0000";

    private static readonly object InsertAccounts = new { @object = "Account", operation = "insert" };

    [Fact]
    public async Task Insert_CreateUploadClose_JobCompleteWithResults()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var userId = emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id;

        var (status, created, _) = await bulk.CallAsync(HttpMethod.Post, "ingest", InsertAccounts);
        Assert.Equal(200, status);
        var id = (string)created!["id"]!;
        Assert.Matches("^750[A-Za-z0-9]{15}$", id);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"id":"{{id}}","operation":"insert","object":"Account","createdById":"{{userId}}","createdDate":"{{Created}}",
             "systemModstamp":"{{Created}}","state":"Open","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,
             "contentUrl":"services/data/v62.0/jobs/ingest/{{id}}/batches","lineEnding":"LF","columnDelimiter":"COMMA"}
            """), created.ToJsonString());

        var upload = await bulk.UploadAsync(id, "Name,Industry,AnnualRevenue\nAcme,Banking,5000000\n,Retail,\n\"Globex, Inc.\",Technology,12.5\n");
        Assert.Equal((201, ""), upload);

        emulator.Time.Advance(TimeSpan.FromSeconds(3));
        var (closeStatus, closed, _) = await bulk.SetStateAsync("ingest", id, "UploadComplete");
        Assert.Equal(200, closeStatus);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"id":"{{id}}","operation":"insert","object":"Account","createdById":"{{userId}}","createdDate":"{{Created}}",
             "systemModstamp":"2026-11-02T09:00:03.000+0000","state":"UploadComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0}
            """), closed!.ToJsonString());

        Assert.Equal(EmulatorFixture.Compact($$"""
            {"id":"{{id}}","operation":"insert","object":"Account","createdById":"{{userId}}","createdDate":"{{Created}}",
             "systemModstamp":"2026-11-02T09:00:03.000+0000","state":"JobComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,
             "jobType":"V2Ingest","lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":3,"numberRecordsFailed":1,"retries":0,
             "totalProcessingTime":0,"apiActiveProcessingTime":0,"apexProcessingTime":0}
            """), (await bulk.InfoAsync("ingest", id)).ToJsonString());

        var store = emulator.Host.Org.Store;
        var accounts = store.Rows("Account", includeDeleted: false).OrderBy(r => (string)r["Name"]!, StringComparer.Ordinal).ToList();
        Assert.Equal(["Acme", "Globex, Inc."], accounts.Select(r => (string)r["Name"]!));
        Assert.Equal(5000000m, accounts[0]["AnnualRevenue"]);
        Assert.Equal(12.5m, accounts[1]["AnnualRevenue"]);
        Assert.Equal(userId, accounts[0]["OwnerId"]);

        var acme = (string)accounts[0]["Id"]!;
        var globex = (string)accounts[1]["Id"]!;
        Assert.Equal($"""
            "sf__Id","sf__Created",Name,Industry,AnnualRevenue
            "{acme}","true","Acme","Banking","5000000"
            "{globex}","true","Globex, Inc.","Technology","12.5"

            """, await bulk.CsvAsync($"ingest/{id}/successfulResults"));
        Assert.Equal("""
            "sf__Id","sf__Error",Name,Industry,AnnualRevenue
            "","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","","Retail",""

            """, await bulk.CsvAsync($"ingest/{id}/failedResults"));
        Assert.Equal("Name,Industry,AnnualRevenue\n", await bulk.CsvAsync($"ingest/{id}/unprocessedrecords"));
    }

    [Fact]
    public async Task Close_WithProcessingTime_InProgressUntilTheTimeHasPassed()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Bulk.ProcessingTime = TimeSpan.FromSeconds(10));
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(InsertAccounts, "Name\nAcme\n");

        var running = await bulk.InfoAsync("ingest", id);
        Assert.Equal("InProgress", (string?)running["state"]);
        Assert.Equal(0, (int?)running["numberRecordsProcessed"]);
        Assert.Equal("\"sf__Id\",\"sf__Created\",Name\n", await bulk.CsvAsync($"ingest/{id}/successfulResults"));
        // The rows are written at the close: a REST query sees them while the job still shows InProgress.
        Assert.Equal(1, emulator.Host.Org.Store.Count("Account", false));

        emulator.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("InProgress", (string?)(await bulk.InfoAsync("ingest", id))["state"]);
        emulator.Time.Advance(TimeSpan.FromSeconds(1));
        var done = await bulk.InfoAsync("ingest", id);
        Assert.Equal("JobComplete", (string?)done["state"]);
        Assert.Equal(1, (int?)done["numberRecordsProcessed"]);
        Assert.Equal(10_000, (int?)done["totalProcessingTime"]);
        Assert.Equal("2026-11-02T09:00:10.000+0000", (string?)done["systemModstamp"]);
        Assert.StartsWith("\"sf__Id\",\"sf__Created\",Name\n\"001", await bulk.CsvAsync($"ingest/{id}/successfulResults"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateUpsertDelete_ApplyTheSaveRulesRowByRow()
    {
        await using var emulator = await EmulatorFixture.StartAsync(WithExternalId);
        var bulk = await BulkRequests.StartAsync(emulator);
        var store = emulator.Host.Org.Store;
        var ids = await emulator.Host.AddRecordsAsync("Account", [
            new { Name = "One", Ext_Id__c = "E1", Industry = "Banking" },
            new { Name = "Two", Ext_Id__c = "E2", Industry = "Retail" },
        ]);

        // Update: an empty cell leaves the field as it was, #N/A clears it.
        var update = await bulk.RunIngestAsync(new { @object = "Account", operation = "update" },
            $"Id,Name,Industry\n{ids[0]},One Updated,\n{ids[1]},,#N/A\nnope,Ghost,\n");
        Assert.Equal("One Updated", store.Get(ids[0])!.Value.Fields["Name"]);
        Assert.Equal("Banking", store.Get(ids[0])!.Value.Fields["Industry"]);
        Assert.Null(store.Get(ids[1])!.Value.Fields["Industry"]);
        Assert.Equal($"""
            "sf__Id","sf__Created",Id,Name,Industry
            "{ids[0]}","false","{ids[0]}","One Updated",""
            "{ids[1]}","false","{ids[1]}","","#N/A"

            """, await bulk.CsvAsync($"ingest/{update}/successfulResults"));
        Assert.Equal("""
            "sf__Id","sf__Error",Id,Name,Industry
            "","MALFORMED_ID:Account ID: id value of incorrect type: nope:Id --","nope","Ghost",""

            """, await bulk.CsvAsync($"ingest/{update}/failedResults"));

        var upsert = await bulk.RunIngestAsync(new { @object = "Account", operation = "upsert", externalIdFieldName = "Ext_Id__c" },
            "Ext_Id__c,Name\nE2,Two Upserted\nE3,Three\n");
        var three = store.FindByExternalId(store.Find("Account")!, store.Find("Account")!.Find("Ext_Id__c")!, "E3").Single();
        Assert.Equal("Two Upserted", store.Get(ids[1])!.Value.Fields["Name"]);
        Assert.Equal($"""
            "sf__Id","sf__Created",Ext_Id__c,Name
            "{ids[1]}","false","E2","Two Upserted"
            "{three}","true","E3","Three"

            """, await bulk.CsvAsync($"ingest/{upsert}/successfulResults"));
        Assert.Equal("upsert", (string?)(await bulk.InfoAsync("ingest", upsert))["operation"]);
        Assert.Equal("Ext_Id__c", (string?)(await bulk.InfoAsync("ingest", upsert))["externalIdFieldName"]);

        var delete = await bulk.RunIngestAsync(new { @object = "Account", operation = "delete" }, $"Id\n{ids[0]}\nnope\n");
        Assert.Equal(true, store.Get(ids[0])!.Value.Fields["IsDeleted"]);
        Assert.Equal($"\"sf__Id\",\"sf__Created\",Id\n\"{ids[0]}\",\"false\",\"{ids[0]}\"\n", await bulk.CsvAsync($"ingest/{delete}/successfulResults"));
        Assert.Equal("\"sf__Id\",\"sf__Error\",Id\n\"\",\"MALFORMED_ID:malformed id nope:--\",\"nope\"\n", await bulk.CsvAsync($"ingest/{delete}/failedResults"));

        // A hard delete purges, recycle bin included: the record is gone from queryAll.
        var hardDelete = await bulk.RunIngestAsync(new { @object = "Account", operation = "hardDelete" }, $"Id\n{ids[0]}\n{ids[1]}\n");
        Assert.Null(store.Get(ids[0]));
        Assert.Null(store.Get(ids[1]));
        Assert.Equal(2, (int?)(await bulk.InfoAsync("ingest", hardDelete))["numberRecordsProcessed"]);
        Assert.Equal(1, store.Count("Account", includeDeleted: true));
    }

    [Fact]
    public async Task PipeAndCrlf_ResultsUseTheJobsDelimiterAndLineEnding()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(new { @object = "Lead", operation = "insert", columnDelimiter = "PIPE", lineEnding = "CRLF" },
            "LastName|Company|Description\r\nDoe|Acme|\"two\r\nlines | and \"\"quotes\"\"\"\r\n");

        var lead = emulator.Host.Org.Store.Rows("Lead", false).Single();
        Assert.Equal("two\r\nlines | and \"quotes\"", lead["Description"]);
        Assert.Equal($"\"sf__Id\"|\"sf__Created\"|LastName|Company|Description\r\n\"{lead["Id"]}\"|\"true\"|\"Doe\"|\"Acme\"|\"two\r\nlines | and \"\"quotes\"\"\"\r\n",
            await bulk.CsvAsync($"ingest/{id}/successfulResults"));
        var info = await bulk.InfoAsync("ingest", id);
        Assert.Equal(("PIPE", "CRLF"), ((string?)info["columnDelimiter"], (string?)info["lineEnding"]));
    }

    [Theory]
    [InlineData("BACKQUOTE", '`')]
    [InlineData("CARET", '^')]
    [InlineData("SEMICOLON", ';')]
    [InlineData("TAB", '\t')]
    public async Task Delimiters_EachSplitsTheColumns(string name, char delimiter)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        await bulk.RunIngestAsync(new { @object = "Account", operation = "insert", columnDelimiter = name }, $"Name{delimiter}Phone\nAcme, Inc.{delimiter}555\n");
        var account = emulator.Host.Org.Store.Rows("Account", false).Single();
        Assert.Equal(("Acme, Inc.", "555"), ((string?)account["Name"], (string?)account["Phone"]));
    }

    [Fact]
    public async Task Values_NotOfTheFieldsType_FailTheRowWithTheXsdMessage()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(new { @object = "Contact", operation = "insert" },
            "LastName,Birthdate,Email\nDoe,1990-02-30,a@b.c\nRoe,1990-02-03,\n");
        Assert.Equal("""
            "sf__Id","sf__Error",LastName,Birthdate,Email
            "","INVALID_FIELD:Failed to deserialize field at col 1. Due to, '1990-02-30' is not a valid value for the type xsd:date:Birthdate --","Doe","1990-02-30","a@b.c"

            """, await bulk.CsvAsync($"ingest/{id}/failedResults"));
        Assert.Equal(new DateOnly(1990, 2, 3), emulator.Host.Org.Store.Rows("Contact", false).Single()["Birthdate"]);
    }

    [Fact]
    public async Task Create_InvalidRequests_AnswerAsSalesforce()
    {
        await using var emulator = await EmulatorFixture.StartAsync(WithExternalId);
        var bulk = await BulkRequests.StartAsync(emulator);

        async Task<string> Error(object job)
        {
            var (status, body, _) = await bulk.CallAsync(HttpMethod.Post, "ingest", job);
            Assert.Equal(400, status);
            return body!.ToJsonString();
        }

        Assert.Equal("""[{"errorCode":"INVALIDJOB","message":"Unable to find object: Acount"}]""",
            await Error(new { @object = "Acount", operation = "insert" }));
        Assert.Equal("""[{"errorCode":"INVALIDJOB","message":"External ID was blank for Account. An External ID must be specified for upsert."}]""",
            await Error(new { @object = "Account", operation = "upsert" }));
        Assert.Equal("""[{"errorCode":"INVALIDJOB","message":"Field name provided, Name does not match an External ID, Salesforce Id, or indexed field for Account"}]""",
            await Error(new { @object = "Account", operation = "upsert", externalIdFieldName = "Name" }));
        Assert.Equal("""[{"message":"Cannot deserialize instance of OperationEnum from VALUE_STRING value merge or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""",
            await Error(new { @object = "Account", operation = "merge" }));
        Assert.Equal("""[{"message":"Cannot deserialize instance of ColumnDelimiterEnum from VALUE_STRING value COLON or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""",
            await Error(new { @object = "Account", operation = "insert", columnDelimiter = "COLON" }));
        Assert.Equal("""[{"message":"Cannot deserialize instance of LineEndingEnum from VALUE_STRING value CR or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""",
            await Error(new { @object = "Account", operation = "insert", lineEnding = "CR" }));
        Assert.Equal("""[{"message":"Cannot deserialize instance of ContentType from VALUE_STRING value JSON or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""",
            await Error(new { @object = "Account", operation = "insert", contentType = "JSON" }));
        Assert.Contains("INVALIDJOB", await Error(new { operation = "insert" }), StringComparison.Ordinal);
        Assert.Contains("INVALIDJOB", await Error(new { @object = "Account" }), StringComparison.Ordinal);

        // Id is accepted as the upsert key, as Salesforce accepts it.
        Assert.Equal(200, (await bulk.CallAsync(HttpMethod.Post, "ingest", new { @object = "Account", operation = "upsert", externalIdFieldName = "Id" })).Status);
        // Ingest jobs exist from API 41.0 on.
        Assert.Equal(404, (await bulk.WithVersion("40.0").CallAsync(HttpMethod.Post, "ingest", InsertAccounts)).Status);
    }

    [Fact]
    public async Task SecondUpload_Accepted_ThenTheCloseIsRefused()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.CreateIngestAsync(InsertAccounts);
        Assert.Equal(201, (await bulk.UploadAsync(id, "Name\nA\n")).Status);
        Assert.Equal(201, (await bulk.UploadAsync(id, "Name\nB\n")).Status);

        var (status, body, _) = await bulk.SetStateAsync("ingest", id, "UploadComplete");
        Assert.Equal(400, status);
        Assert.Equal("INVALIDJOB", (string?)body![0]!["errorCode"]);
        Assert.Equal($"Found multipe contents for job: <{id[..15]}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.",
            (string?)body[0]!["message"]);
        Assert.Equal("Open", (string?)(await bulk.InfoAsync("ingest", id))["state"]);
        Assert.Equal(200, (await bulk.SetStateAsync("ingest", id, "Aborted")).Status);
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
    }

    [Fact]
    public async Task StateChanges_NotAllowed_InvalidJobState()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(InsertAccounts, "Name\nA\n");

        var upload = await bulk.UploadAsync(id, "Name\nB\n");
        Assert.Equal(400, upload.Status);
        Assert.Equal($$"""[{"errorCode":"INVALIDJOBSTATE","message":"Data can be uploaded only to an Open job; job {{id}} is JobComplete."}]""", upload.Body);

        foreach (var target in new[] { "UploadComplete", "Aborted", "Open", "JobComplete" })
        {
            var (status, body, _) = await bulk.SetStateAsync("ingest", id, target);
            Assert.Equal(400, status);
            Assert.Equal("INVALIDJOBSTATE", (string?)body![0]!["errorCode"]);
            Assert.StartsWith($"Job {id} is JobComplete; it can't be changed to {target}.", (string?)body[0]!["message"], StringComparison.Ordinal);
        }

        var (badStatus, badBody, _) = await bulk.SetStateAsync("ingest", id, "Closed");
        Assert.Equal(400, badStatus);
        Assert.Equal("""[{"message":"Cannot deserialize instance of JobStateEnum from VALUE_STRING value Closed or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""",
            badBody!.ToJsonString());
    }

    [Fact]
    public async Task Abort_OpenJobWithData_NothingWrittenAndTheUploadIsUnprocessed()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.CreateIngestAsync(InsertAccounts);
        await bulk.UploadAsync(id, "Name,Phone\nAcme,1\n");

        var (status, body, _) = await bulk.SetStateAsync("ingest", id, "Aborted");
        Assert.Equal(200, status);
        Assert.Equal("Aborted", (string?)body!["state"]);
        var info = await bulk.InfoAsync("ingest", id);
        Assert.Equal(("Aborted", 0), ((string?)info["state"], (int?)info["numberRecordsProcessed"]));
        Assert.Equal("\"sf__Id\",\"sf__Created\",Name,Phone\n", await bulk.CsvAsync($"ingest/{id}/successfulResults"));
        Assert.Equal("Name,Phone\nAcme,1\n", await bulk.CsvAsync($"ingest/{id}/unprocessedrecords"));
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
    }

    [Fact]
    public async Task Delete_OnlyOnceTheJobHasStopped_ThenItIsGone()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var open = await bulk.CreateIngestAsync(InsertAccounts);
        var (refused, body, _) = await bulk.CallAsync(HttpMethod.Delete, $"ingest/{open}");
        Assert.Equal(400, refused);
        Assert.Equal($$"""[{"errorCode":"INVALIDJOBSTATE","message":"Job {{open}} is Open; a job can be deleted once it is UploadComplete, JobComplete, Aborted or Failed."}]""", body!.ToJsonString());

        var done = await bulk.RunIngestAsync(InsertAccounts, "Name\nA\n");
        var (deleted, deletedBody, _) = await bulk.CallAsync(HttpMethod.Delete, $"ingest/{done}");
        Assert.Equal((204, null), (deleted, deletedBody));
        Assert.Equal(404, (await bulk.CallAsync(HttpMethod.Get, $"ingest/{done}")).Status);
        // Deleting the job keeps the records it loaded.
        Assert.Equal(1, emulator.Host.Org.Store.Count("Account", false));
    }

    [Fact]
    public async Task UnknownJob_EveryRoute404NotFound()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        const string NotFound = """[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""";
        const string Missing = "750xx0000000001AAA";
        Assert.Equal(NotFound, (await bulk.CallAsync(HttpMethod.Get, $"ingest/{Missing}")).Body!.ToJsonString());
        Assert.Equal(NotFound, (await bulk.SetStateAsync("ingest", Missing, "UploadComplete")).Body!.ToJsonString());
        Assert.Equal(NotFound, (await bulk.CallAsync(HttpMethod.Delete, $"ingest/{Missing}")).Body!.ToJsonString());
        Assert.Equal((404, NotFound), await bulk.UploadAsync(Missing, "Name\nA\n"));
        Assert.Equal(404, (await bulk.TextAsync($"ingest/{Missing}/successfulResults")).Status);

        // A query job is not an ingest job.
        var query = (string)(await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Id FROM Account" })).Body!["id"]!;
        Assert.Equal(404, (await bulk.CallAsync(HttpMethod.Get, $"ingest/{query}")).Status);
        Assert.Equal(404, (await bulk.UploadAsync(query, "Name\nA\n")).Status);
    }

    [Theory]
    [InlineData("Name,Nmae\nA,B\n", "InvalidBatch : Field name not found : Nmae")]
    [InlineData("Name\r\nA\r\n", "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF")]
    [InlineData("Name\n\"Acme\n", "ClientInputError : Failed to parse CSV at line 2: EOF reached before closing an opened quote")]
    [InlineData("Name\nA\"cme\n", "ClientInputError : Failed to parse CSV at line 2: Found unescaped quote. A value with quote should be within a quote")]
    [InlineData("Name,Phone\nA,1\n\"B\" ,2\n", "ClientInputError : Failed to parse CSV at line 3: Not expecting more text after end quote")]
    [InlineData("Name\nA,1\n", "ClientInputError : Failed to parse CSV at line 2: the row has 2 values, the header 1 columns")]
    public async Task MalformedUpload_JobFailsAndWritesNothing(string csv, string errorMessage)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(InsertAccounts, csv);

        var info = await bulk.InfoAsync("ingest", id);
        Assert.Equal("Failed", (string?)info["state"]);
        Assert.Equal(errorMessage, (string?)info["errorMessage"]);
        Assert.Equal((0, 0), ((int?)info["numberRecordsProcessed"], (int?)info["numberRecordsFailed"]));
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
        Assert.Equal(csv, await bulk.CsvAsync($"ingest/{id}/unprocessedrecords"));
    }

    [Fact]
    public async Task Upload_OverTheLimit_413AndTheJobStaysOpen()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Bulk.UploadLimitBytes = 40);
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.CreateIngestAsync(InsertAccounts);

        // 30 bytes are 40 in base64: at the limit. 31 bytes are 44: over it.
        var (status, body) = await bulk.UploadAsync(id, "Name\n" + new string('x', 26));
        Assert.Equal(413, status);
        Assert.Equal("""[{"errorCode":"CLIENTINPUTERROR","message":"The upload is over the limit of 40 bytes after base64 encoding (Salesforce's 150 MB, about 112 MB of CSV). Split the data over several jobs."}]""", body);
        Assert.Equal(201, (await bulk.UploadAsync(id, "Name\n" + new string('x', 25))).Status);
        Assert.Equal(200, (await bulk.SetStateAsync("ingest", id, "UploadComplete")).Status);
        Assert.Equal(1, (int?)(await bulk.InfoAsync("ingest", id))["numberRecordsProcessed"]);
    }

    [Fact]
    public async Task Upload_LargerThanKestrelsDefaultBodyLimit_StreamedToDisk()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.CreateIngestAsync(new { @object = "Account", operation = "insert" });

        // 32 MB generated on the fly: over Kestrel's 30 MB default, never held whole by the test or the emulator.
        const long Size = 32L * 1024 * 1024;
        var (status, _) = await bulk.UploadAsync(id, new GeneratedCsvContent(Size));
        Assert.Equal(201, status);
        var job = emulator.Host.Org.BulkJobs.Find(id)!;
        Assert.Equal(Size, new FileInfo(job.UploadPath).Length);
        Assert.Equal(200, (await bulk.SetStateAsync("ingest", id, "Aborted")).Status);
    }

    [Fact]
    public async Task JobList_PagesOf1000_WithFiltersAndQueryLocator()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        for (var i = 0; i < 1001; i++)
        {
            await bulk.CreateIngestAsync(InsertAccounts);
        }

        await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Id FROM Account" });

        var (_, first, _) = await bulk.CallAsync(HttpMethod.Get, "ingest");
        Assert.False((bool)first!["done"]!);
        Assert.Equal(1000, first["records"]!.AsArray().Count);
        Assert.Equal("/services/data/v62.0/jobs/ingest?queryLocator=01gxx0000000001AAA-1000", (string?)first["nextRecordsUrl"]);
        var item = first["records"]![0]!.AsObject();
        Assert.Equal(["id", "operation", "object", "createdById", "createdDate", "systemModstamp", "state", "concurrencyMode", "contentType",
            "apiVersion", "jobType", "lineEnding", "columnDelimiter"], item.Select(p => p.Key));

        var (_, last, _) = await emulator.CallAsync(HttpMethod.Get, (string)first["nextRecordsUrl"]!, await emulator.GetTokenAsync());
        Assert.True((bool)last!["done"]!);
        Assert.Single(last["records"]!.AsArray());
        Assert.True(last.AsObject().ContainsKey("nextRecordsUrl"));
        Assert.Null(last["nextRecordsUrl"]);

        Assert.Empty((await bulk.CallAsync(HttpMethod.Get, "ingest?jobType=Classic")).Body!["records"]!.AsArray());
        Assert.Empty((await bulk.CallAsync(HttpMethod.Get, "ingest?isPkChunkingEnabled=true")).Body!["records"]!.AsArray());
        Assert.Equal(1000, (await bulk.CallAsync(HttpMethod.Get, "ingest?jobType=V2Ingest")).Body!["records"]!.AsArray().Count);
        var queries = (await bulk.CallAsync(HttpMethod.Get, "query")).Body!;
        Assert.Equal("V2Query", (string?)queries["records"]!.AsArray().Single()!["jobType"]);
        Assert.Equal(400, (await bulk.CallAsync(HttpMethod.Get, "ingest?queryLocator=garbage")).Status);
    }

    [Fact]
    public async Task Limits_BatchesOf10000Records_AndEveryCallCounted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var csv = new StringBuilder("Name\n");
        for (var i = 0; i < 10_001; i++)
        {
            csv.Append("Account ").Append(i).Append('\n');
        }

        var before = emulator.Host.Org.ApiUsed;
        var id = await bulk.RunIngestAsync(InsertAccounts, csv.ToString());
        Assert.Equal(before + 3, emulator.Host.Org.ApiUsed);
        Assert.Equal(10_001, (int?)(await bulk.InfoAsync("ingest", id))["numberRecordsProcessed"]);
        Assert.Equal(10_001, emulator.Host.Org.Store.Count("Account", false));

        var limits = (await emulator.CallAsync(HttpMethod.Get, "limits", bulk.Token)).Body!;
        Assert.Equal("""{"Max":15000,"Remaining":14998}""", limits["DailyBulkApiBatches"]!.ToJsonString());
        Assert.Equal("""{"Max":10000,"Remaining":10000}""", limits["DailyBulkV2QueryJobs"]!.ToJsonString());
        Assert.Equal("""{"Max":976562,"Remaining":976562}""", limits["DailyBulkV2QueryFileStorageMB"]!.ToJsonString());

        emulator.Time.Advance(TimeSpan.FromDays(1));
        var tomorrow = (await emulator.CallAsync(HttpMethod.Get, "limits", await emulator.GetTokenAsync())).Body!;
        Assert.Equal("""{"Max":15000,"Remaining":15000}""", tomorrow["DailyBulkApiBatches"]!.ToJsonString());
    }

    [Fact]
    public async Task Reset_DropsJobsAndTheirFiles()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = await bulk.RunIngestAsync(InsertAccounts, "Name\nA\n");
        var folder = emulator.Host.Org.BulkJobs.Find(id)!.Directory;
        Assert.True(Directory.Exists(folder));

        Assert.Equal(HttpStatusCode.OK, (await emulator.Http.PostAsync("/__emulator/reset", null)).StatusCode);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(emulator.Host.Org.BulkJobs.Jobs);
    }

    private static void WithExternalId(EmulatorOptions options) =>
        options.Org.CustomFields["Account"] = [new CustomFieldOptions { Name = "Ext_Id__c", ExternalId = true, Unique = true }];

    /// <summary>A CSV body of a given size produced while it is sent, never whole in memory.</summary>
    private sealed class GeneratedCsvContent(long size) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var header = "Name\n"u8.ToArray();
            await stream.WriteAsync(header);
            var line = Encoding.ASCII.GetBytes(new string('x', 63) + "\n");
            var chunk = new byte[line.Length * 1024];
            for (var i = 0; i < 1024; i++)
            {
                line.CopyTo(chunk, i * line.Length);
            }

            var remaining = size - header.Length;
            while (remaining > 0)
            {
                var count = (int)Math.Min(chunk.Length, remaining);
                await stream.WriteAsync(chunk.AsMemory(0, count));
                remaining -= count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}
