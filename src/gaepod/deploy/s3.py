"""An S3-compatible bucket as a deploy target (AWS S3, or any service that speaks its
protocol at `endpoint`: MinIO, Cloudflare R2, Backblaze B2, DigitalOcean Spaces...).

Credentials come only from where boto3 looks for them by itself: the
environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_PROFILE) and the standard files (~/.aws/credentials, ~/.aws/config), never
from podcast.yaml. Each object gets its Content-Type and Cache-Control. Files of
one phase go up a few at a time; a file is reported done only once S3 answered
that it has it. boto3 is imported here only, when a deploy to S3 runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

from ..errors import OutputError, UsageError
from ..model import DeployTarget
from .files import LocalFile
from .targets import Deleted, Done, Moving

WORKERS = 4  # uploads at once: enough to hide a request's latency, kind to a home line
MULTIPART = 64 * 1024 * 1024  # files above this go up in parts (resumable by S3 itself)
DELETE_BATCH = 1000  # S3's most keys in one DeleteObjects
NO_CREDENTIALS = (
    "no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
    "environment, or add them to ~/.aws/credentials (AWS_PROFILE picks a profile)"
)


class S3Target:
    def __init__(self, target: DeployTarget) -> None:
        try:
            import boto3
            from boto3.s3.transfer import TransferConfig
            from botocore.config import Config
        except ImportError as exc:
            raise UsageError(
                f"deploying to {target.describe()} needs boto3: pip install 'gaepod[s3]'"
            ) from exc
        self.bucket = target.location
        self.prefix = target.prefix
        self.where = target.describe()
        config = Config(
            connect_timeout=10,
            read_timeout=120,
            # An S3-compatible service may not know the newer default checksums.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            # A service at its own address: the bucket in the path, not in the host name.
            s3={"addressing_style": "path"} if target.endpoint else {},
            max_pool_connections=WORKERS * 2,
        )
        session = boto3.session.Session()
        if session.get_credentials() is None:  # said once, before anything is sent
            raise OutputError(f"cannot deploy to {self.where}: {NO_CREDENTIALS}")
        self.client: Any = session.client(
            "s3", endpoint_url=target.endpoint, region_name=target.region, config=config
        )
        self.transfer = TransferConfig(
            multipart_threshold=MULTIPART, multipart_chunksize=16 * 1024 * 1024, max_concurrency=4
        )

    def key(self, relpath: str) -> str:
        return self.prefix + relpath

    def upload(self, files: Sequence[LocalFile], done: Done, moving: Moving | None = None) -> None:
        pool = ThreadPoolExecutor(max_workers=WORKERS)
        try:
            pending: dict[Future[None], LocalFile] = {
                pool.submit(self._put, file): file for file in files
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_EXCEPTION)
                failure: BaseException | None = None
                for future in finished:
                    file = pending.pop(future)
                    if future.exception() is None:
                        done(file)
                    else:
                        failure = failure or future.exception()
                if failure is not None:  # the first failure stops the phase
                    raise failure
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _put(self, file: LocalFile) -> None:
        extra = {"ContentType": file.content_type, "CacheControl": file.cache_control}
        try:
            self.client.upload_file(
                file.name,
                self.bucket,
                self.key(file.relpath),
                ExtraArgs=extra,
                Config=self.transfer,
            )
        except Exception as exc:  # boto3's S3UploadFailedError, botocore's errors, OSError
            raise OutputError(f"cannot upload {file.relpath}: {_reason(exc)}") from exc

    def delete(self, relpaths: Sequence[str], done: Deleted) -> None:
        for start in range(0, len(relpaths), DELETE_BATCH):
            batch = list(relpaths[start : start + DELETE_BATCH])
            objects = [{"Key": self.key(relpath)} for relpath in batch]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True}
                )
            except Exception as exc:
                raise OutputError(f"cannot delete {batch[0]}...: {_reason(exc)}") from exc
            failed = {e.get("Key", ""): e.get("Message", "") for e in answer.get("Errors", [])}
            for relpath in batch:
                if self.key(relpath) not in failed:
                    done(relpath)
            if failed:
                key, message = next(iter(failed.items()))
                raise OutputError(f"cannot delete {key}: {message}")

    def close(self) -> None:
        self.client.close()


def _reason(exc: BaseException) -> str:
    """What went wrong, in a line: the S3 error code, a missing bucket or credentials."""
    from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

    cause: BaseException | None = exc
    while cause is not None:  # upload_file wraps the client's error
        if isinstance(cause, (NoCredentialsError, PartialCredentialsError)):
            return NO_CREDENTIALS
        if isinstance(cause, ClientError):
            error = cause.response.get("Error", {})
            code, message = error.get("Code", "?"), error.get("Message", "")
            if code == "NoSuchBucket":
                return "the bucket does not exist (create it first, or fix the target's name)"
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return f"{code}: the credentials are refused ({message})"
            return f"{code}: {message}" if message else code
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "Unable to locate credentials" in text:
        return NO_CREDENTIALS
    return text or type(exc).__name__
