# Parley server image, used by docker-compose.yml. Not built on the development machines
# (no Docker engine there); kept minimal: restore, publish, run `parley serve`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Parley.Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Listen on all interfaces inside the container; compose maps the ports.
ENV PARLEY_TCP=0.0.0.0:7878 \
    PARLEY_HTTP=0.0.0.0:8080 \
    PARLEY_IRC=0.0.0.0:6667 \
    PARLEY_DATA=/data
EXPOSE 7878 8080 6667
ENTRYPOINT ["dotnet", "parley.dll", "serve"]
