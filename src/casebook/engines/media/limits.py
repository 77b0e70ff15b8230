"""Every bound of the media engine, units last (TigerBeetle: a limit on everything)."""

NAMESPACE_CHARS_MAX = 40

# Upload sizes: a phone photo is 2-12 MB (HEIC ~2 MB, a 48 MP JPEG ~15 MB); a 60 s 1080p clip ~60-120 MB.
IMAGE_BYTES_MAX = 30 * 1024 * 1024
VIDEO_BYTES_MAX = 200 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024

# 50 MP: above any phone's default output (48 MP sensors bin to 12 MP) and below what would let a
# small compressed file expand into gigabytes (50 MP RGBA is 200 MB decoded). Pillow's own default is 89 MP.
IMAGE_PIXELS_MAX = 50_000_000
IMAGE_SIDE_PX_MAX = 20_000  # a 50 MP panorama of 20,000 x 2,500 still passes

# Widths of the image renditions, widest first (Instagram serves 1080, 640 and 320 wide).
RENDITION_WIDTHS_PX = (("large", 1080), ("medium", 640), ("small", 320))
JPEG_QUALITY = 82  # the knee of the size/quality curve for photos; 90+ doubles bytes for little gain

# Video: Reels-like short clips, transcoded to a size that streams on a phone.
VIDEO_DURATION_S_MAX = 60
VIDEO_SIDE_PX_MAX = 4096  # 4K DCI; anything larger is not a phone clip
VIDEO_WIDTH_PX_MAX = 720
VIDEO_FRAMES_MAX = 60 * 120  # 60 s at 120 fps (slow-motion capture): a bound on the decode loop
VIDEO_CRF = 23  # x264's default quality
VIDEO_AUDIO_BIT_RATE = 128_000

# Signed rendition URLs are cut in fixed windows so one asset keeps one URL for hours (browser and CDN
# caches hit); a URL lives between URL_WINDOW_S and 2 * URL_WINDOW_S.
URL_WINDOW_S = 6 * 3600

ERROR_CHARS_MAX = 200
ASSETS_PER_QUERY_MAX = 500  # get_assets: a feed page of posts with up to 10 carousel items each, and margin
