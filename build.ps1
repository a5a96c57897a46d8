# Sonique's bootstrap for PowerShell (Windows, or pwsh anywhere): the same steps as build.sh.
# Check the .NET SDK, report missing tools, build the Cake host when its sources changed, run it with
# every argument passed through:  ./build.ps1 --target=Status
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
Set-Location $root
$hostDir = Join-Path $root 'build/.host'  # apart from build/bin: the Test target rebuilds the build project
$hostDll = Join-Path $hostDir 'Sonique.Build.dll'
$stamp = Join-Path $hostDir '.sonique-build-stamp'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error 'The .NET SDK is missing. Sonique needs .NET SDK 10 or newer: https://dotnet.microsoft.com/download'
}
$major = [int]((dotnet --version).Split('.')[0])
if ($major -lt 10) { Write-Error "The .NET SDK here is $(dotnet --version); Sonique needs 10 or newer." }

$missing = @('ffmpeg', 'ffprobe', 'yt-dlp') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
if ($missing) {
    Write-Warning "Missing $($missing -join ', '): stages that download or trim media will fail until installed (winget install Gyan.FFmpeg yt-dlp.yt-dlp; or set their paths in the config profile)."
}

$sources = @('build', 'tasks', 'src') | ForEach-Object { Get-ChildItem -Path (Join-Path $root $_) -Recurse -File -ErrorAction SilentlyContinue } |
    Where-Object { $_.FullName -notmatch '[\\/](bin|obj|\.host)[\\/]' }
$sources += @('Directory.Build.props', 'Directory.Packages.props', 'global.json') | ForEach-Object { Get-Item (Join-Path $root $_) }
$stale = -not (Test-Path $stamp) -or ($sources | Where-Object { $_.LastWriteTimeUtc -gt (Get-Item $stamp).LastWriteTimeUtc } | Select-Object -First 1)
if ($stale) {
    dotnet build (Join-Path $root 'build/Sonique.Build.csproj') -c Release -o $hostDir -nologo -clp:ErrorsOnly -v:quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    New-Item -ItemType File -Force -Path $stamp | Out-Null
}

& dotnet $hostDll @args
exit $LASTEXITCODE
