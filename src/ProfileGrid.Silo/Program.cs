using ProfileGrid.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddProfileGridSilo(standalone: false);

var app = builder.Build();
app.MapHealthApi();
app.Run();
