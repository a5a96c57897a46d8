using Sonique.Build.Host;

return await SoniqueHost.RunAsync(args);
