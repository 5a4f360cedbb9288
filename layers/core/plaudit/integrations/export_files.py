"""Export files in S3: written as a multipart upload (one part at a time), read through a short-lived
presigned link. The bucket is EXPORT_BUCKET_NAME; object keys come from plaudit.store.keys."""

from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws

CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"


def s3() -> Any:
    return aws.client("s3")


def bucket() -> str:
    return environment().export_bucket_name


def start(key: str) -> str:
    """A new multipart upload of `key` (a .csv, or a person's .zip): its upload id."""
    content_type = ZIP if key.endswith(".zip") else CSV
    return s3().create_multipart_upload(Bucket=bucket(), Key=key, ContentType=content_type)["UploadId"]


def upload_part(key: str, upload_id: str, number: int, data: bytes) -> str:
    """Upload part `number` (from 1); its ETag, which completing the upload needs."""
    return s3().upload_part(Bucket=bucket(), Key=key, UploadId=upload_id, PartNumber=number, Body=data)[
        "ETag"
    ]


def complete(key: str, upload_id: str, etags: list[str]) -> None:
    parts = [{"PartNumber": number, "ETag": etag} for number, etag in enumerate(etags, start=1)]
    s3().complete_multipart_upload(
        Bucket=bucket(), Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def abort(key: str, upload_id: str) -> None:
    """Drop an upload's parts (an attempt that failed or was overtaken); one already gone is fine."""
    try:
        s3().abort_multipart_upload(Bucket=bucket(), Key=key, UploadId=upload_id)
    except s3().exceptions.NoSuchUpload:
        pass


def delete(key: str) -> None:
    """Delete a file whose download ended (deleting one already gone succeeds: S3 answers 204 either way)."""
    s3().delete_object(Bucket=bucket(), Key=key)


def link(key: str, filename: str, seconds: int) -> str:
    """A presigned GET of `key`, valid `seconds`, that downloads as `filename`."""
    return s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket(),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=seconds,
    )
