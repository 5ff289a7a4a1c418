"""`gaepod deploy`: the published folder, uploaded to where listeners fetch it (a folder,
an rsync destination, an S3-compatible bucket), feeds last, then apps told.

from gaepod.deploy import DeployOptions, deploy
report = deploy(DeployOptions(show=Path("episodes"), out=Path("public"), to="s3://bucket/"))
"""

from .run import DeployOptions, DeployReport, deploy

__all__ = ["DeployOptions", "DeployReport", "deploy"]
