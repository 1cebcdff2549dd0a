"""Writes each file as torchvision_quality.py first sees it (RGB, stretched to size x size, bilinear), for training
the plain recipe on another machine without the full-size data set: the script's own resize then changes nothing.
A radiograph whose three channels are equal is written as one grey channel (the script converts it back to RGB).

Usage: pre_resize.py LIST.json   LIST: {size, items: [{source, target}]}  (targets are written as PNG, lossless)
"""
import json
import os
import sys

from PIL import Image, ImageChops, ImageFile

ImageFile.LOAD_TRUNCATED_IMAGES = True  # as the baseline script reads them


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    size = spec['size']
    for item in spec['items']:
        with Image.open(item['source']) as image:
            resized = image.convert('RGB').resize((size, size), Image.Resampling.BILINEAR)
        red, green, blue = resized.split()
        grey = ImageChops.difference(red, green).getbbox() is None and ImageChops.difference(red, blue).getbbox() is None
        os.makedirs(os.path.dirname(item['target']), exist_ok=True)
        (red if grey else resized).save(item['target'], format='PNG', optimize=True)


if __name__ == '__main__':
    main()
