using Tokenizer.Identity.Extensions;
using Tokenizer.Identity.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapIdentityApis();

await app.MigrateDatabaseAsync();
await app.PrepareIdentityAsync();
await app.RunAsync();
