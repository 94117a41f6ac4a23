// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compares what the guest drew with what the host shows: the pixels of a
 * framebuffer device (the guest's view, read back through /dev/fbN) with
 * a PPM screendump the host's QEMU monitor wrote (devices.sh: virtio-gpu
 * behind the pool).
 *
 *   cvm_fbcheck FB PPM
 *
 * Waits up to 30 s for PPM to be whole (the host writes it while the
 * guest reads it over 9p). Prints "WxH: N pixels differ", with the first
 * and last rows that differ, and exits 0 when N is 0, 1 otherwise (2 for
 * a usage or I/O error).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int cvm_fb_die(const char *what)
{
	fprintf(stderr, "cvm_fbcheck: %s: %s\n", what, strerror(errno));
	return 2;
}

/* The PPM's pixels once the file holds all its header promises, or NULL. */
static unsigned char *cvm_fb_ppm(const char *path, unsigned int *w,
				 unsigned int *h)
{
	unsigned char *px;
	unsigned int max;
	struct stat st;
	int hdr = 0, i;
	FILE *f;

	for (i = 0; i < 300; i++, usleep(100000)) {
		f = fopen(path, "rb");
		if (!f)
			continue;
		if (fscanf(f, "P6 %u %u %u%n", w, h, &max, &hdr) == 3 &&
		    max == 255 && !fstat(fileno(f), &st) &&
		    st.st_size == hdr + 1 + (off_t)*w * *h * 3) {
			px = malloc((size_t)*w * *h * 3);
			if (px && !fseek(f, hdr + 1, SEEK_SET) &&
			    fread(px, 3, (size_t)*w * *h, f) == (size_t)*w * *h) {
				fclose(f);
				return px;
			}
			free(px);
		}
		fclose(f);
	}
	errno = ETIMEDOUT;
	return NULL;
}

static unsigned int cvm_fb_chan(unsigned int v, const struct fb_bitfield *b)
{
	v = (v >> b->offset) & ((1U << b->length) - 1);
	return b->length >= 8 ? v >> (b->length - 8) : v << (8 - b->length);
}

int main(int argc, char **argv)
{
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	unsigned int w, h, x, y, bpp, first = 0, last = 0;
	unsigned long diff = 0, black = 0, row, page, pages[8];
	unsigned int npages = 0, i, fx = 0, fy = 0, fv = 0;
	const unsigned char *q;
	unsigned char *px, *fb;
	ssize_t len;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: cvm_fbcheck FB PPM\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return cvm_fb_die(argv[1]);
	if (ioctl(fd, FBIOGET_VSCREENINFO, &var) ||
	    ioctl(fd, FBIOGET_FSCREENINFO, &fix))
		return cvm_fb_die("FBIOGET_*SCREENINFO");
	bpp = var.bits_per_pixel / 8;
	if (bpp < 2 || bpp > 4) {
		errno = EINVAL;
		return cvm_fb_die("bits per pixel");
	}
	fb = malloc((size_t)fix.line_length * var.yres);
	if (!fb)
		return cvm_fb_die("malloc");
	len = pread(fd, fb, (size_t)fix.line_length * var.yres, 0);
	if (len != (ssize_t)fix.line_length * var.yres)
		return cvm_fb_die("read the framebuffer");
	px = cvm_fb_ppm(argv[2], &w, &h);
	if (!px)
		return cvm_fb_die(argv[2]);
	if (w != var.xres || h != var.yres) {
		printf("%ux%u framebuffer, %ux%u screendump\n", var.xres,
		       var.yres, w, h);
		return 1;
	}
	for (y = 0; y < h; y++) {
		row = 0;
		for (x = 0; x < w; x++) {
			const unsigned char *p = fb + y * fix.line_length + x * bpp;
			const unsigned char *q = px + ((size_t)y * w + x) * 3;
			unsigned int v = 0;

			memcpy(&v, p, bpp);
			if (cvm_fb_chan(v, &var.red) == q[0] &&
			    cvm_fb_chan(v, &var.green) == q[1] &&
			    cvm_fb_chan(v, &var.blue) == q[2])
				continue;
			if (!diff && !row) {
				fx = x;
				fy = y;
				fv = v;
			}
			row++;
			black += !q[0] && !q[1] && !q[2];
			page = (y * fix.line_length + x * bpp) / 4096;
			for (i = 0; i < npages && pages[i] != page; i++)
				;
			if (i == npages && npages < 8)
				pages[npages++] = page;
		}
		if (row && !diff)
			first = y;
		if (row)
			last = y;
		diff += row;
	}
	if (diff) {
		printf("%ux%u: %lu pixels differ (%lu black on the host), rows %u to %u, 4 KiB pages",
		       w, h, diff, black, first, last);
		for (i = 0; i < npages; i++)
			printf(" %lu", pages[i]);
		q = px + ((size_t)fy * w + fx) * 3;
		printf("; first at %u,%u: fb %06x, host %02x%02x%02x\n", fx, fy,
		       fv, q[0], q[1], q[2]);
	} else {
		printf("%ux%u: 0 pixels differ\n", w, h);
	}
	return diff ? 1 : 0;
}
