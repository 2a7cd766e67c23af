using Tokenizer.LedgerData.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapLedgerDataApis();

await app.MigrateDatabaseAsync();
await app.RunAsync();
