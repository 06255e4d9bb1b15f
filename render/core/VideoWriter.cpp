#include "VideoWriter.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "InputError.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

namespace flowscope {
namespace {

std::string averror(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

void check(int code, const std::string& what) {
  if (code < 0) throw std::runtime_error("video: " + what + ": " + averror(code));
}

template <class T>
T* checked(T* p, const std::string& what) {
  if (!p) throw std::runtime_error("video: " + what + " failed");
  return p;
}

}  // namespace

struct VideoWriter::Impl {
  std::filesystem::path target, partial;
  bool gif = false;
  int width = 0, height = 0, fps = 0;
  int64_t nextPts = 0;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  AVFilterGraph* graph = nullptr;
  AVFilterContext *source = nullptr, *sink = nullptr;
  AVFrame* frame = nullptr;
  AVFrame* filtered = nullptr;
  AVPacket* packet = nullptr;
  bool finished = false;

  ~Impl() {
    av_packet_free(&packet);
    av_frame_free(&filtered);
    av_frame_free(&frame);
    avfilter_graph_free(&graph);
    avcodec_free_context(&codec);
    if (format) {
      if (format->pb) avio_closep(&format->pb);
      avformat_free_context(format);
    }
    std::error_code ignored;
    if (!finished) std::filesystem::remove(partial, ignored);
  }

  void openEncoder() {
    check(avformat_alloc_output_context2(&format, nullptr, gif ? "gif" : "mp4",
                                         partial.string().c_str()),
          "output format");
    const AVCodec* encoder =
        gif ? avcodec_find_encoder(AV_CODEC_ID_GIF) : avcodec_find_encoder_by_name("libx264");
    if (!encoder) encoder = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    checked(encoder, "finding an encoder");
    stream = checked(avformat_new_stream(format, nullptr), "a new stream");
    codec = checked(avcodec_alloc_context3(encoder), "an encoder context");
    codec->width = width;
    codec->height = height;
    codec->time_base = AVRational{1, fps};
    codec->framerate = AVRational{fps, 1};
    codec->pix_fmt = gif ? AV_PIX_FMT_PAL8 : AV_PIX_FMT_YUV420P;
    if (!gif) codec->gop_size = 2 * fps;
    if (std::string(encoder->name) == "libx264") av_opt_set(codec->priv_data, "crf", "18", 0);
    if (std::string(encoder->name) == "mpeg4") codec->bit_rate = int64_t(width) * height * fps / 4;
    if (format->oformat->flags & AVFMT_GLOBALHEADER) codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    check(avcodec_open2(codec, encoder, nullptr),
          "opening the " + std::string(encoder->name) + " encoder");
    check(avcodec_parameters_from_context(stream->codecpar, codec), "stream parameters");
    stream->time_base = codec->time_base;
    stream->avg_frame_rate = codec->framerate;
    check(avio_open(&format->pb, partial.string().c_str(), AVIO_FLAG_WRITE),
          "opening " + partial.string());
    check(avformat_write_header(format, nullptr), "the header");
  }

  // RGBA frames in, the encoder's pixel format out: yuv420p for H.264; for a GIF one palette
  // made from every frame (palettegen waits for the end) and applied to each.
  void openFilters() {
    graph = checked(avfilter_graph_alloc(), "a filter graph");
    const std::string args = "video_size=" + std::to_string(width) + "x" + std::to_string(height) +
                             ":pix_fmt=" + std::to_string(int(AV_PIX_FMT_RGBA)) + ":time_base=1/" +
                             std::to_string(fps) + ":pixel_aspect=1/1";
    check(avfilter_graph_create_filter(&source, avfilter_get_by_name("buffer"), "in", args.c_str(),
                                       nullptr, graph),
          "the filter source");
    check(avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr,
                                       nullptr, graph),
          "the filter sink");
    AVFilterInOut* outputs = avfilter_inout_alloc();
    AVFilterInOut* inputs = avfilter_inout_alloc();
    outputs->name = av_strdup("in");
    outputs->filter_ctx = source;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sink;
    const char* chain = gif ? "split[a][b];[a]palettegen=stats_mode=full[p];"
                              "[b][p]paletteuse=dither=bayer:bayer_scale=3"
                            : "format=yuv420p";
    const int parsed = avfilter_graph_parse_ptr(graph, chain, &inputs, &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    check(parsed, "the filter chain");
    check(avfilter_graph_config(graph, nullptr), "configuring the filters");
  }

  // Every frame the filters have ready, through the encoder; every packet it has, to the file.
  void drainFilters() {
    while (true) {
      const int got = av_buffersink_get_frame(sink, filtered);
      if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
      check(got, "filtering");
      filtered->pict_type = AV_PICTURE_TYPE_NONE;
      encode(filtered);
      av_frame_unref(filtered);
    }
  }

  void encode(const AVFrame* f) {
    check(avcodec_send_frame(codec, f), "encoding");
    while (true) {
      const int got = avcodec_receive_packet(codec, packet);
      if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
      check(got, "encoding");
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      check(av_interleaved_write_frame(format, packet), "writing");
    }
  }
};

VideoWriter::VideoWriter(const std::string& path, int width, int height, int fps)
    : impl_(std::make_unique<Impl>()) {
  const std::filesystem::path p(path);
  const std::string ext = p.extension().string();
  if (ext != ".mp4" && ext != ".gif") throw InputError(path + ": a video is .mp4 (H.264) or .gif");
  if (width < 16 || height < 16 || width > 8192 || height > 8192)
    throw InputError(path + ": the size must be 16..8192 pixels a side");
  if (ext == ".mp4" && (width % 2 || height % 2))
    throw InputError(path + ": an .mp4 needs an even width and height (H.264's 4:2:0)");
  if (fps < 1 || fps > 120) throw InputError(path + ": the frame rate must be 1..120");
  Impl& m = *impl_;
  m.target = p;
  m.partial = p.parent_path() / ("." + p.filename().string() + ".partial" + ext);
  m.gif = ext == ".gif";
  m.width = width, m.height = height, m.fps = fps;
  av_log_set_level(AV_LOG_ERROR);
  m.frame = checked(av_frame_alloc(), "a frame");
  m.filtered = checked(av_frame_alloc(), "a frame");
  m.packet = checked(av_packet_alloc(), "a packet");
  m.openEncoder();
  m.openFilters();
}

VideoWriter::~VideoWriter() = default;

void VideoWriter::write(const uint8_t* rgba) {
  Impl& m = *impl_;
  m.frame->format = AV_PIX_FMT_RGBA;
  m.frame->width = m.width;
  m.frame->height = m.height;
  check(av_frame_get_buffer(m.frame, 0), "a frame buffer");
  for (int y = 0; y < m.height; ++y)
    std::copy_n(rgba + size_t(y) * m.width * 4, size_t(m.width) * 4,
                m.frame->data[0] + size_t(y) * m.frame->linesize[0]);
  m.frame->pts = m.nextPts++;
  check(av_buffersrc_add_frame(m.source, m.frame), "feeding the filters");  // unrefs the frame
  m.drainFilters();
  ++written_;
}

void VideoWriter::finish() {
  Impl& m = *impl_;
  check(av_buffersrc_add_frame(m.source, nullptr), "ending the filters");
  m.drainFilters();
  m.encode(nullptr);
  check(av_write_trailer(m.format), "the trailer");
  check(avio_closep(&m.format->pb), "closing the file");
  std::filesystem::rename(m.partial, m.target);
  m.finished = true;
}

VideoInfo readVideoInfo(const std::string& path) {
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, path.c_str(), nullptr, nullptr) < 0)
    throw InputError(path + ": not a video FFmpeg can open");
  struct Closer {
    AVFormatContext** f;
    AVCodecContext* c = nullptr;
    AVFrame* frame = av_frame_alloc();
    AVPacket* packet = av_packet_alloc();
    ~Closer() {
      av_packet_free(&packet);
      av_frame_free(&frame);
      avcodec_free_context(&c);
      avformat_close_input(f);
    }
  } closer{&format};
  check(avformat_find_stream_info(format, nullptr), "reading " + path);
  const AVCodec* decoder = nullptr;
  const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  check(index, "finding a video stream in " + path);
  closer.c = checked(avcodec_alloc_context3(decoder), "a decoder context");
  check(avcodec_parameters_to_context(closer.c, format->streams[index]->codecpar), "decoder");
  check(avcodec_open2(closer.c, decoder, nullptr), "opening the decoder");
  VideoInfo info;
  info.width = closer.c->width;
  info.height = closer.c->height;
  info.codec = decoder->name;
  info.fps = av_q2d(format->streams[index]->r_frame_rate);
  const auto receive = [&] {
    while (avcodec_receive_frame(closer.c, closer.frame) == 0) ++info.frames;
  };
  while (av_read_frame(format, closer.packet) >= 0) {
    if (closer.packet->stream_index == index) {
      int sent = avcodec_send_packet(closer.c, closer.packet);
      receive();  // frees the decoder's queue when it was full (EAGAIN), then the packet again
      if (sent == AVERROR(EAGAIN)) sent = avcodec_send_packet(closer.c, closer.packet);
      if (sent >= 0) receive();
    }
    av_packet_unref(closer.packet);
  }
  avcodec_send_packet(closer.c, nullptr);
  receive();
  return info;
}

}  // namespace flowscope
