# The image goreleaser builds (.goreleaser.yaml, dockers_v2): the release
# binary on a distroless base, which has CA certificates (ngrok, --forward
# to https) and a non-root user. goreleaser puts one binary per platform
# in the build context.
#
#   docker run -e NGROK_AUTHTOKEN ghcr.io/harkhq/hark             # listen --json on a public URL
#   docker run -p 8787:8787 -e HARK_BIND=0.0.0.0 -e HARK_BASIC_AUTH=user:longpassword \
#     ghcr.io/harkhq/hark listen --json --local                    # reachable from the host, with basic auth
#
# Journals go to /home/nonroot/.local/state/hark/journal: mount a volume
# there to keep them.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/hark /usr/bin/hark
EXPOSE 8787
ENTRYPOINT ["/usr/bin/hark"]
CMD ["listen", "--json"]
